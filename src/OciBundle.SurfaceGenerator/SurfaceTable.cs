using System.Text;
using Microsoft.CodeAnalysis.Text;

namespace OciBundle.SurfaceGenerator;

/// <summary>A group line: <c>group Name public|other "Title"</c>.</summary>
internal sealed class SurfaceGroup(string name, bool isPublic, string title)
{
    public string Name { get; } = name;

    public bool IsPublic { get; } = isPublic;

    public string Title { get; } = title;
}

/// <summary>One row of the table (see the header of SurfaceTable.txt for the columns).</summary>
internal sealed class SurfaceRow(string name, bool isItems, SurfaceGroup group)
{
    public string Name { get; } = name;

    public bool IsItems { get; } = isItems;

    public SurfaceGroup Group { get; } = group;

    public bool Required { get; set; }

    public bool Known { get; set; }

    public string? Default { get; set; }

    public string? Passed { get; set; }

    /// <summary>The BundleRequest key, or null for a parameter the adapter uses itself.</summary>
    public string? Key { get; set; }

    public string? Summary { get; set; }

    /// <summary>How the settings stage reads a property (bool, text, integer, limit, raw): the generated SurfaceReads method.</summary>
    public string? Parser { get; set; }

    /// <summary>The name a project writes, or one the targets pass: a parameter of the task.</summary>
    public bool IsTaskParameter => Group.Name is not ("Switches" or "Outputs" or "Internal");

    /// <summary>A public name read by the task: a SurfaceNames constant.</summary>
    public bool IsSurfaceName => Group.IsPublic && IsTaskParameter;

    /// <summary>The C# identifier of its constant: the name without the Oci prefix.</summary>
    public string Identifier => Name.StartsWith("Oci", StringComparison.Ordinal) && Group.Name != "Foreign" ? Name.Substring(3) : Name;
}

/// <summary>The parsed table, or the first error in it with its line.</summary>
internal sealed class SurfaceTable
{
    public List<SurfaceGroup> Groups { get; } = [];

    public List<SurfaceRow> Rows { get; } = [];

    public string? Error { get; private set; }

    public LinePosition ErrorLine { get; private set; }

    public static SurfaceTable Parse(SourceText text)
    {
        var table = new SurfaceTable();
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in text.Lines)
        {
            var content = line.ToString();
            var error = table.ParseLine(content, names);
            if (error is not null)
            {
                table.Error = error;
                table.ErrorLine = new LinePosition(line.LineNumber, 0);
                return table;
            }
        }

        return table;
    }

    private string? ParseLine(string content, HashSet<string> names)
    {
        var trimmed = content.Trim();
        if (trimmed.Length == 0 || trimmed[0] == '#')
        {
            return null;
        }

        string? summary = null;
        var dashes = trimmed.IndexOf(" -- ", StringComparison.Ordinal);
        if (dashes >= 0)
        {
            summary = trimmed.Substring(dashes + 4).Trim();
            trimmed = trimmed.Substring(0, dashes);
        }

        var words = trimmed.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (words[0] == "group")
        {
            var quote = trimmed.IndexOf('"');
            if (words.Length < 4 || words[2] is not ("public" or "other") || quote < 0 || !trimmed.EndsWith("\"", StringComparison.Ordinal))
            {
                return "a group line is: group Name public|other \"Title\"";
            }

            Groups.Add(new SurfaceGroup(words[1], words[2] == "public", trimmed.Substring(quote + 1, trimmed.Length - quote - 2)));
            return null;
        }

        if (words.Length < 3)
        {
            return "a row is: Name property|items Group [options] [-- summary]";
        }

        if (!IsIdentifier(words[0]))
        {
            return $"'{words[0]}' is not a name MSBuild and C# both take";
        }

        if (!names.Add(words[0]))
        {
            return $"{words[0]} is listed twice (names are case-insensitive in MSBuild)";
        }

        if (words[1] is not ("property" or "items"))
        {
            return $"{words[0]}: the kind is property or items, not '{words[1]}'";
        }

        var group = Groups.Find(g => g.Name == words[2]);
        if (group is null)
        {
            return $"{words[0]}: no group line declares '{words[2]}'";
        }

        var row = new SurfaceRow(words[0], words[1] == "items", group) { Summary = summary, Key = words[0] };
        for (var i = 3; i < words.Length; i++)
        {
            var option = words[i];
            var equals = option.IndexOf('=');
            var value = equals < 0 ? "" : option.Substring(equals + 1);
            switch (equals < 0 ? option : option.Substring(0, equals))
            {
                case "required" when equals < 0:
                    row.Required = true;
                    break;
                case "known" when equals < 0 && group.Name == "Internal":
                    row.Known = true;
                    break;
                case "default" when value.Length > 0:
                    row.Default = value;
                    break;
                case "passed" when value.Length > 0:
                    row.Passed = value;
                    break;
                case "parser" when value is "bool" or "text" or "integer" or "limit" or "raw" && words[1] == "property":
                    row.Parser = value;
                    break;
                case "key" when value.Length > 0:
                    row.Key = value == "-" ? null : value;
                    break;
                default:
                    return $"{words[0]}: unknown option '{option}' (required, default=, passed=, key=, parser=bool|text|integer|limit|raw on a property, or known on an Internal row)";
            }
        }

        if (row.Required && row.IsItems)
        {
            return $"{words[0]}: items cannot be required";
        }

        if (row.IsSurfaceName && !row.IsItems && row.Parser is null)
        {
            return $"{words[0]}: a public property needs parser=bool, text, integer, limit or raw (how the settings stage reads it)";
        }

        if (row.Parser is not null && !row.IsSurfaceName)
        {
            return $"{words[0]}: only a public property the task reads has a parser";
        }

        if (row.Parser == "bool" && row.Default is not (null or "true" or "false"))
        {
            return $"{words[0]}: a bool's default is true or false (unset, it is false)";
        }

        Rows.Add(row);
        return null;
    }

    private static bool IsIdentifier(string name) =>
        name.Length > 0 && (char.IsLetter(name[0]) || name[0] == '_') && name.All(c => char.IsLetterOrDigit(c) || c == '_');

    /// <summary>A C# string literal of <paramref name="value"/>.</summary>
    public static string Literal(string? value)
    {
        if (value is null)
        {
            return "null";
        }

        var builder = new StringBuilder("\"");
        foreach (var c in value)
        {
            builder.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                _ => c.ToString(),
            });
        }

        return builder.Append('"').ToString();
    }
}
