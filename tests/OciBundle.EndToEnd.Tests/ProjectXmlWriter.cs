using System.Text;
using System.Xml.Linq;
using OciBundle.Tests.Fuzz;

namespace OciBundle.EndToEnd.Tests;

/// <summary>
/// Turns a generated request into an MSBuild project: properties as elements, items with their
/// metadata as attributes. Half of the projects escape MSBuild's special characters (so the task
/// sees the generated value), the other half leave them raw (so MSBuild splits, globs and expands
/// as a user's project would), except for sequences MSBuild itself would refuse and wildcards
/// that could walk the whole disk (only globs below the shared inputs folder stay raw).
/// </summary>
internal static class ProjectXmlWriter
{
    /// <summary>The task would get RuntimeIdentifier from it, but the .NET SDK itself refuses unknown RIDs first.</summary>
    private static readonly HashSet<string> SkippedProperties = new(StringComparer.OrdinalIgnoreCase) { "RuntimeIdentifier" };

    public static string Write(GeneratedRequest request, string sdkVersion, bool escape, string globRoot)
    {
        var properties = new XElement("PropertyGroup", new XElement("TargetFramework", "net8.0"));
        if (!request.WithDefaultItems)
        {
            properties.Add(new XElement("OciEnableDefaultItems", "false"));
        }

        foreach (var (name, value) in request.Properties.Where(p => !SkippedProperties.Contains(p.Name)))
        {
            properties.Add(new XElement(name, Value(value, escape, isInclude: false)));
        }

        var items = new XElement("ItemGroup");
        foreach (var item in request.Items)
        {
            // MSBuild refuses an empty Include (MSB4035) before our task runs: leave such items out.
            var include = Value(item.Include, escape, isInclude: !item.Include.StartsWith(globRoot, StringComparison.Ordinal));
            if (string.IsNullOrWhiteSpace(include))
            {
                continue;
            }

            var element = new XElement(item.Type, new XAttribute("Include", include));
            foreach (var group in item.Metadata.GroupBy(m => m.Name, StringComparer.OrdinalIgnoreCase))
            {
                // Two attributes differing only in case: MSBuild keeps one metadata; so do we (the last).
                element.SetAttributeValue(group.Key, Value(group.Last().Value, escape, isInclude: false));
            }

            items.Add(element);
        }

        var project = new XElement(
            "Project",
            new XAttribute("Sdk", "Microsoft.Build.NoTargets/3.7.0"),
            new XElement("Sdk", new XAttribute("Name", "OciBundle.Sdk"), new XAttribute("Version", sdkVersion)),
            properties,
            items);
        return project.ToString();
    }

    /// <summary>The value as MSBuild XML can carry it: without NUL, other C0 controls, lone surrogates and U+FFFE/U+FFFF.</summary>
    /// <param name="isInclude">An Include outside the shared inputs folder, where a raw wildcard is not allowed to reach.</param>
    public static string Value(string value, bool escape, bool isInclude)
    {
        var text = new StringBuilder();
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                text.Append(c).Append(value[++i]);
                continue;
            }

            if ((c < ' ' && c is not '\t' and not '\n' and not '\r') || char.IsSurrogate(c) || c is '\uFFFE' or '\uFFFF')
            {
                continue;
            }

            var next = i + 1 < value.Length ? value[i + 1] : '\0';
            text.Append(Escape(c, next, escape, isInclude, value));
        }

        return text.ToString();
    }

    private static string Escape(char c, char next, bool escape, bool isInclude, string whole) => c switch
    {
        '%' when escape || next == '(' => "%25",
        '$' when escape || next == '(' => "%24",
        '@' when escape || next == '(' => "%40",
        ';' when escape => "%3B",
        // A raw wildcard in a rooted or parent path could walk the whole disk; keep those escaped.
        '*' when escape || (isInclude && (whole.Contains('/') || whole.Contains('\\'))) => "%2A",
        '?' when escape || (isInclude && (whole.Contains('/') || whole.Contains('\\'))) => "%3F",
        _ => c.ToString(),
    };
}
