using OciBundle.Diagnostics;
using OciBundle.Request;

namespace OciBundle.Settings;

/// <summary>
/// Typos are not silent: MSBuild takes any element name, so a misspelt <c>&lt;OciMemoryLimt&gt;</c>
/// or <c>Mod="ro"</c> would leave the bundle without the limit or the mode and say nothing. Names
/// starting with Oci that are none of ours (OCIB1093) and metadata our items do not read (OCIB1094)
/// are warnings at their element, with the nearest real name. Warnings, not errors: a project may
/// define names of its own. The settings stage runs it last, so they follow its own reports.
/// </summary>
public static class NameCheck
{
    private const string Prefix = "Oci";

    public static void Check(RequestReader reader)
    {
        foreach (var element in reader.Request.ProjectElements)
        {
            if (element.Name.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) && !KnownNames.All.Contains(element.Name))
            {
                reader.Diagnostics.Warning(Messages.UnknownOciName, element.Location, element.Name, Hint(element.Name, KnownNames.All, "the names are listed in docs/properties.md"));
            }
        }

        foreach (var (itemType, known) in KnownNames.ItemMetadata)
        {
            foreach (var item in reader.Items(itemType).Where(i => !i.IsDefault && !i.IsImported))
            {
                foreach (var name in item.Metadata.Keys.Where(k => !known.Contains(k, StringComparer.OrdinalIgnoreCase)).Order(StringComparer.Ordinal))
                {
                    var accepted = known.Length == 0 ? "it reads no metadata" : "it reads " + string.Join(", ", known);
                    reader.Diagnostics.Warning(Messages.UnknownItemMetadata, item.Location, itemType, item.ItemSpec, name, Hint(name, known, accepted));
                }
            }
        }
    }

    /// <summary>"Did you mean X?" when a known name is close, else the fallback sentence.</summary>
    private static string Hint(string name, IEnumerable<string> known, string fallback) =>
        NearestName.Find(name, known) is { } nearest ? $"Did you mean {nearest}?" : char.ToUpperInvariant(fallback[0]) + fallback[1..] + ".";
}
