using System.Text.RegularExpressions;
using OciBundle.Tests.Diagnostics;
using Xunit.Abstractions;

namespace OciBundle.Tests.Layout;

/// <summary>
/// Issue 14 item 5: no folder of src/OciBundle depends on a folder that depends back on it. The
/// graph is read from the source (<see cref="SourceFolders"/>); the cycles that remain are broken
/// here by naming one edge of each, with why it is still there and the step that removes it.
/// The list only shrinks: an allowed edge that the code no longer has fails the test too.
/// </summary>
public sealed partial class FolderDependencyTests(ITestOutputHelper output)
{
    /// <summary>
    /// The edges still allowed to close a cycle: (from, to) → why, and what removes it. None are left
    /// (issue 14 removed the last); a new one needs its reason here and in docs/architecture.md.
    /// </summary>
    private static readonly Dictionary<(string From, string To), string> AllowedBackEdges = [];

    [Fact]
    public void Folders_have_no_cycles_but_the_listed_ones()
    {
        var graph = SourceFolders.Read(CatalogueDocumentationTests.RepositoryFile("src", "OciBundle"));
        foreach (var (from, to) in graph.EdgeList)
        {
            output.WriteLine($"{from} -> {to}   ({string.Join("; ", graph.Edges[from][to].Take(3))})");
        }

        var edges = graph.EdgeList.ToHashSet();
        var remaining = edges.Where(e => !AllowedBackEdges.ContainsKey(e)).ToList();
        var cycles = SourceFolders.Cycles(graph.Folders, remaining);
        var described = cycles.Select(c => string.Join(" ↔ ", c) + ": " + string.Join(", ", remaining
            .Where(e => c.Contains(e.From) && c.Contains(e.To))
            .Select(e => $"{e.From}→{e.To} [{string.Join("; ", graph.Edges[e.From][e.To].Take(4))}]"))).ToList();
        Assert.True(described.Count == 0, "folder cycles (break them, or add one edge with its reason to AllowedBackEdges):\n" + string.Join("\n", described));

        var stale = AllowedBackEdges.Keys.Where(e => !edges.Contains(e)).Select(e => $"{e.From}→{e.To}").ToList();
        Assert.True(stale.Count == 0, "allowed back edges the code no longer has (delete them from AllowedBackEdges): " + string.Join(", ", stale));

        var needless = AllowedBackEdges.Keys.Where(e => SourceFolders.Cycles(graph.Folders, remaining.Append(e)).Count == 0).Select(e => $"{e.From}→{e.To}").ToList();
        Assert.True(needless.Count == 0, "allowed back edges that no longer close a cycle (delete them from AllowedBackEdges): " + string.Join(", ", needless));
    }

    [Fact]
    public void The_folder_map_in_docs_architecture_is_the_code_s()
    {
        var graph = SourceFolders.Read(CatalogueDocumentationTests.RepositoryFile("src", "OciBundle"));
        var expected = string.Join("\n", graph.Folders.Select(f =>
            $"{f,-12} → {(graph.Edges.TryGetValue(f, out var to) ? string.Join(", ", to.Keys.Select(t => AllowedBackEdges.ContainsKey((f, t)) ? t + "*" : t)) : "(nothing)")}"));
        var doc = File.ReadAllText(CatalogueDocumentationTests.RepositoryFile("docs", "architecture.md"));
        var block = MapBlock().Match(doc);
        Assert.True(block.Success, "docs/architecture.md has no folder map block (<!-- folder-map --> then a ```text block)");
        Assert.True(
            block.Groups["map"].Value.TrimEnd() == expected,
            "docs/architecture.md's folder map is out of date; replace the block after <!-- folder-map --> with:\n" + expected);
    }

    [Fact]
    public void The_reader_sees_qualified_names_aliases_and_skips_members_and_comments()
    {
        var code = SourceFolders.StripCommentsAndStrings("""
            // OciBundle.Plugins.PluginStep in a comment
            var s = "Validation.Elf in a string";
            var t = $"{Validation.Elf.TryReadMachine(x)}";
            """);
        Assert.DoesNotContain("PluginStep", code);
        Assert.DoesNotContain("in a string", code);
        Assert.Contains("Validation.Elf.TryReadMachine", code);
    }

    [GeneratedRegex(@"<!-- folder-map -->\s*```text\n(?<map>.*?)```", RegexOptions.Singleline)]
    private static partial Regex MapBlock();
}
