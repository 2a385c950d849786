using System.Text;

namespace OciBundle.Tests.Fuzz;

/// <summary>One item of a generated request; metadata may repeat a name (the last one wins).</summary>
public sealed record GeneratedItem(string Type, string Include, IReadOnlyList<(string Name, string Value)> Metadata);

/// <summary>
/// A generated project, as plain names and values, so the same case can become a BundleRequest
/// (unit tests) or an MSBuild project file (end-to-end tests). Paths in values are either
/// absolute (the shared inputs) or relative to the project folder.
/// </summary>
public sealed class GeneratedRequest(int seed)
{
    /// <summary>The name of a file every project folder holds, so a path can name an existing file.</summary>
    public const string OccupiedFileName = "occupied";

    /// <summary>A file beside the project that no build may touch.</summary>
    public const string SentinelFileName = "sentinel.txt";

    public int Seed { get; } = seed;

    public List<(string Name, string Value)> Properties { get; } = [];

    public List<GeneratedItem> Items { get; } = [];

    /// <summary>Start from the SDK's default items (capabilities, namespaces, mounts, …) as a real project does.</summary>
    public bool WithDefaultItems { get; set; }

    /// <summary>The output folder exists (with a foreign file in it) before the build.</summary>
    public bool OutputExistsBefore { get; set; }

    /// <summary>The last value of a property, as a project would see it; null when it is not set.</summary>
    public string? Property(string name) =>
        Properties.LastOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)).Value;

    /// <summary>A readable dump for failure messages: control characters and long runs are shown, not printed.</summary>
    public override string ToString()
    {
        var text = new StringBuilder($"seed {Seed} (default items: {WithDefaultItems}, output existed before: {OutputExistsBefore})\n");
        foreach (var (name, value) in Properties)
        {
            text.Append($"  {name} = {Show(value)}\n");
        }

        foreach (var item in Items)
        {
            text.Append($"  {item.Type} Include={Show(item.Include)}");
            foreach (var (name, value) in item.Metadata)
            {
                text.Append($" {name}={Show(value)}");
            }

            text.Append('\n');
        }

        return text.ToString();
    }

    public static string Show(string value)
    {
        var shown = new StringBuilder("\"");
        var shownChars = 0;
        foreach (var c in value)
        {
            if (++shownChars > 120)
            {
                shown.Append($"…(+{value.Length - 120} chars)");
                break;
            }

            shown.Append(c < ' ' || char.IsSurrogate(c) || c == '"' || c == '\\' ? $"\\u{(int)c:x4}" : c.ToString());
        }

        return shown.Append('"').ToString();
    }
}
