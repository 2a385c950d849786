using System.Text.RegularExpressions;

namespace OciBundle.EndToEnd.Tests;

/// <summary>Reads what `dotnet build -v:n` printed: diagnostic lines and where they point.</summary>
internal static partial class BuildLog
{
    /// <summary>
    /// Every distinct "file(line,col): severity CODE: …" line. -v:n prints each diagnostic twice
    /// (as it happens, with a node prefix such as "1>" or "1:7>", and again in the summary), so the
    /// prefix and indentation are stripped and duplicates dropped.
    /// </summary>
    public static IReadOnlyList<string> Lines(ProcessResult result, string severity, string code) =>
        result.StdOut.Split('\n')
            .Select(l => NodePrefix().Replace(l.Trim(), ""))
            .Where(l => l.Contains($" {severity} {code}:", StringComparison.Ordinal))
            .Distinct()
            .ToList();

    /// <summary>
    /// The "(line,column)" of the single line of <paramref name="file"/> that holds
    /// <paramref name="needle"/>. In a project file the column is that of the element's name, one
    /// past its '&lt;' (what XmlReader's line info reports); in a JSON file it is that of the needle
    /// itself (the offending value).
    /// </summary>
    public static string Position(string file, string needle)
    {
        var lines = File.ReadAllLines(file);
        var hits = Enumerable.Range(0, lines.Length).Where(i => lines[i].Contains(needle, StringComparison.Ordinal)).ToList();
        Assert.True(hits.Count == 1, $"the needle '{needle}' must be on exactly one line of {file}, found {hits.Count}");
        var text = lines[hits[0]];
        var at = text.IndexOf(needle, StringComparison.Ordinal);
        var column = file.EndsWith(".json", StringComparison.Ordinal) ? at + 1 : text.LastIndexOf('<', at) + 2;
        return $"({hits[0] + 1},{column})";
    }

    /// <summary>What a clean failure must not show: MSBuild's "task crashed" codes, exception names or a stack trace.</summary>
    /// <remarks>Run by <see cref="TestProject.Build"/> for every build, the good ones too.</remarks>
    public static void AssertNoCrash(ProcessResult result)
    {
        // MSB4018: the task threw; MSB4181: it failed without logging an error; "   at ": a stack frame.
        foreach (var forbidden in new[] { "MSB4018", "MSB4181", "Exception", "   at " })
        {
            var line = result.All.Split('\n').FirstOrDefault(l => l.Contains(forbidden, StringComparison.Ordinal));
            Assert.True(line is null, $"the build printed '{forbidden}': {line}\n{result.All}");
        }
    }

    [GeneratedRegex(@"^[0-9]+(:[0-9]+)?>")]
    private static partial Regex NodePrefix();
}
