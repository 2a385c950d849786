using System.Text.RegularExpressions;
using System.Xml.Linq;
using OciBundle.Tests.Diagnostics;

namespace OciBundle.Tests.Support;

/// <summary>
/// The defaults a project gets from the package, read from the package's own files so that the
/// unit tests' requests cannot drift from them (they once had 3 of the 7 default mounts and no
/// masked paths): the default items of build/OciBundle.Sdk.props (every item group, whatever its
/// OciEnableDefault…Items switch) and the literal property defaults of build/OciBundle.Sdk.targets
/// (<c>&lt;X Condition="'$(X)' == ''"&gt;value&lt;/X&gt;</c> with no $(…) in the value; the
/// others depend on the project, such as OciBundleName, and the tests set them themselves).
/// </summary>
internal static partial class PackageDefaults
{
    private static readonly Lazy<IReadOnlyList<(string ItemType, string Include, (string Name, string Value)[] Metadata)>> LazyItems = new(ReadItems);
    private static readonly Lazy<IReadOnlyDictionary<string, string>> LazyProperties = new(ReadProperties);

    public static IReadOnlyList<(string ItemType, string Include, (string Name, string Value)[] Metadata)> Items => LazyItems.Value;

    public static IReadOnlyDictionary<string, string> Properties => LazyProperties.Value;

    public static string PropsFile => CatalogueDocumentationTests.RepositoryFile("src", "OciBundle.Sdk", "build", "OciBundle.Sdk.props");

    public static string TargetsFile => CatalogueDocumentationTests.RepositoryFile("src", "OciBundle.Sdk", "build", "OciBundle.Sdk.targets");

    [GeneratedRegex(@"^\s*'\$\((?<name>\w+)\)'\s*==\s*''\s*$")]
    private static partial Regex UnsetCondition();

    private static List<(string, string, (string, string)[])> ReadItems()
    {
        var result = new List<(string, string, (string, string)[])>();
        foreach (var group in XDocument.Load(PropsFile).Root!.Elements("ItemGroup"))
        {
            foreach (var item in group.Elements())
            {
                var include = (string?)item.Attribute("Include") ?? throw new InvalidOperationException($"{item.Name} without Include in the props");
                var metadata = item.Attributes().Where(a => a.Name != "Include" && a.Name != "Condition").Select(a => (a.Name.LocalName, a.Value)).ToArray();
                foreach (var one in include.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    result.Add((item.Name.LocalName, one, metadata));
                }
            }
        }

        return result;
    }

    private static Dictionary<string, string> ReadProperties()
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in XDocument.Load(TargetsFile).Root!.Elements("PropertyGroup").Elements())
        {
            var condition = UnsetCondition().Match((string?)property.Attribute("Condition") ?? "");
            if (condition.Success && condition.Groups["name"].Value == property.Name.LocalName && !property.Value.Contains("$(", StringComparison.Ordinal)
                && property.Name.LocalName.StartsWith("Oci", StringComparison.Ordinal) && !result.ContainsKey(property.Name.LocalName))
            {
                result[property.Name.LocalName] = property.Value.Trim();
            }
        }

        return result;
    }
}
