using System.Text;
using System.Text.RegularExpressions;

namespace OciBundle.Tests.Layout;

/// <summary>
/// The folder → folder graph of src/OciBundle, read from the source text: a file in folder A
/// depends on folder B when it names a top-level type declared in B and can see it (A's own
/// namespace or a parent of it, a <c>using OciBundle.B…;</c>, an alias, or a name qualified with
/// <c>OciBundle.B.</c> or <c>B.</c>). Comments and string literals are left out, but for the holes of
/// interpolated strings, so a type named inside one counts. A name after a '.' that is not a folder
/// qualifier is a member (<c>SurfaceNames.BundleFormat</c>), not the type of that name.
/// Sub-folders count as their top folder (Platform/Interop is Platform); files at the root are "(root)".
/// It over-approximates rather than misses: a stale <c>using</c> with a name that happens to match
/// counts as a dependency, which is the safe side for a test against cycles.
/// </summary>
internal sealed partial class SourceFolders
{
    public const string RootFolder = "(root)";

    private SourceFolders(Dictionary<string, SortedDictionary<string, SortedSet<string>>> edges, IReadOnlyCollection<string> folders)
    {
        Edges = edges;
        Folders = folders;
    }

    public IReadOnlyCollection<string> Folders { get; }

    /// <summary>from folder → to folder → "File.cs: TypeName" evidence.</summary>
    public Dictionary<string, SortedDictionary<string, SortedSet<string>>> Edges { get; }

    public IEnumerable<(string From, string To)> EdgeList =>
        Edges.SelectMany(e => e.Value.Keys.Select(to => (e.Key, to))).OrderBy(e => e.Key, StringComparer.Ordinal).ThenBy(e => e.to, StringComparer.Ordinal);

    [GeneratedRegex(@"^\s*namespace\s+(?<ns>[\w.]+)\s*(?<kind>[;{])", RegexOptions.Multiline)]
    private static partial Regex NamespaceDeclaration();

    [GeneratedRegex(@"^\s*(?:global\s+)?using\s+(?:static\s+)?(?:(?<alias>\w+)\s*=\s*)?(?<target>[\w.]+)\s*;", RegexOptions.Multiline)]
    private static partial Regex UsingDirective();

    [GeneratedRegex(@"\b(?:class|struct|interface|enum|record(?:\s+(?:class|struct))?)\s+(?<name>[A-Za-z_]\w*)")]
    private static partial Regex TypeDeclaration();

    [GeneratedRegex(@"[A-Za-z_]\w*(?:\s*\.\s*[A-Za-z_]\w*)*")]
    private static partial Regex DottedName();

    public static SourceFolders Read(string sourceRoot)
    {
        var files = Directory.EnumerateFiles(sourceRoot, "*.cs", SearchOption.AllDirectories)
            .Where(f => !Path.GetRelativePath(sourceRoot, f).Split(Path.DirectorySeparatorChar).Any(p => p is "bin" or "obj"))
            .Select(f => (Path: Path.GetRelativePath(sourceRoot, f), Code: StripCommentsAndStrings(File.ReadAllText(f))))
            .ToList();

        // Pass 1: which folder declares each top-level type, and which namespace it is in.
        var typeFolders = new Dictionary<string, List<(string Folder, string Namespace)>>(StringComparer.Ordinal);
        var folderNamespaces = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (path, code) in files)
        {
            var folder = FolderOf(path);
            var ns = NamespaceDeclaration().Match(code);
            var nsName = ns.Success ? ns.Groups["ns"].Value : "";
            var topDepth = ns.Success && ns.Groups["kind"].Value == "{" ? 1 : 0;
            if (ns.Success && !folderNamespaces.ContainsKey(folder))
            {
                folderNamespaces[folder] = TopNamespace(nsName);
            }

            foreach (Match declaration in TypeDeclaration().Matches(code))
            {
                if (Depth(code, declaration.Index) == topDepth)
                {
                    var list = typeFolders.TryGetValue(declaration.Groups["name"].Value, out var l) ? l : typeFolders[declaration.Groups["name"].Value] = [];
                    list.Add((folder, nsName));
                }
            }
        }

        var namespaceFolders = folderNamespaces.ToDictionary(p => p.Value, p => p.Key, StringComparer.Ordinal);

        // Pass 2: the names each file uses that it can see.
        var edges = new Dictionary<string, SortedDictionary<string, SortedSet<string>>>(StringComparer.Ordinal);
        foreach (var (path, code) in files)
        {
            var folder = FolderOf(path);
            var ns = NamespaceDeclaration().Match(code);
            var nsName = ns.Success ? ns.Groups["ns"].Value : "";
            var visible = new HashSet<string>(StringComparer.Ordinal);
            for (var n = nsName; n.Length > 0; n = n.Contains('.') ? n[..n.LastIndexOf('.')] : "")
            {
                visible.Add(n);
            }

            var aliases = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (Match u in UsingDirective().Matches(code))
            {
                var target = u.Groups["target"].Value;
                if (u.Groups["alias"].Success)
                {
                    aliases[u.Groups["alias"].Value] = target;
                }
                else
                {
                    visible.Add(target);
                    visible.Add(target.Contains('.') ? target[..target.LastIndexOf('.')] : target); // using static OciBundle.X.Type
                }
            }

            void Add(string to, string evidence)
            {
                if (to == folder)
                {
                    return;
                }

                var targets = edges.TryGetValue(folder, out var t) ? t : edges[folder] = new(StringComparer.Ordinal);
                var list = targets.TryGetValue(to, out var e) ? e : targets[to] = new(StringComparer.Ordinal);
                list.Add($"{path}: {evidence}");
            }

            foreach (var alias in aliases.Values)
            {
                if (FolderOfName(alias, namespaceFolders) is { } aliasFolder)
                {
                    Add(aliasFolder, alias);
                }
            }

            var body = UsingDirective().Replace(code, "");
            foreach (Match m in DottedName().Matches(body))
            {
                if (m.Index > 0 && body[..m.Index].TrimEnd().EndsWith('.'))
                {
                    continue; // the rest of a chain after a call or an index: members, not types
                }

                var segments = Regex.Replace(m.Value, @"\s", "").Split('.');
                for (var k = 0; k < segments.Length; k++)
                {
                    if (!typeFolders.TryGetValue(segments[k], out var declared))
                    {
                        continue;
                    }

                    var qualifier = string.Join('.', segments[..k]);
                    foreach (var (declaredFolder, declaredNamespace) in declared)
                    {
                        var seen = qualifier.Length == 0
                            ? visible.Contains(declaredNamespace)
                            : declaredNamespace == qualifier || declaredNamespace == "OciBundle." + qualifier;
                        if (seen)
                        {
                            Add(declaredFolder, segments[k]);
                        }
                    }
                }
            }
        }

        var folders = files.Select(f => FolderOf(f.Path)).Distinct().OrderBy(f => f, StringComparer.Ordinal).ToList();
        return new SourceFolders(edges, folders);
    }

    /// <summary>The groups of folders that reach each other (Tarjan's strongly connected components), larger than one.</summary>
    public static List<List<string>> Cycles(IReadOnlyCollection<string> folders, IEnumerable<(string From, string To)> edgeList)
    {
        var next = edgeList.ToLookup(e => e.From, e => e.To);
        var index = new Dictionary<string, int>();
        var low = new Dictionary<string, int>();
        var stack = new Stack<string>();
        var result = new List<List<string>>();
        void Visit(string v)
        {
            index[v] = low[v] = index.Count;
            stack.Push(v);
            foreach (var w in next[v])
            {
                if (!index.ContainsKey(w))
                {
                    Visit(w);
                    low[v] = Math.Min(low[v], low[w]);
                }
                else if (stack.Contains(w))
                {
                    low[v] = Math.Min(low[v], index[w]);
                }
            }

            if (low[v] == index[v])
            {
                var component = new List<string>();
                string w;
                do
                {
                    w = stack.Pop();
                    component.Add(w);
                }
                while (w != v);
                if (component.Count > 1)
                {
                    result.Add(component.OrderBy(c => c, StringComparer.Ordinal).ToList());
                }
            }
        }

        foreach (var folder in folders.Concat(next.Select(g => g.Key)).Distinct())
        {
            if (!index.ContainsKey(folder))
            {
                Visit(folder);
            }
        }

        return result;
    }

    private static string FolderOf(string relativePath)
    {
        var parts = relativePath.Split(Path.DirectorySeparatorChar);
        return parts.Length > 1 ? parts[0] : RootFolder;
    }

    private static string TopNamespace(string ns)
    {
        var parts = ns.Split('.');
        return parts.Length > 1 ? parts[0] + "." + parts[1] : ns;
    }

    private static string? FolderOfName(string name, Dictionary<string, string> namespaceFolders) =>
        namespaceFolders.Where(p => name == p.Key || name.StartsWith(p.Key + ".", StringComparison.Ordinal)).Select(p => p.Value).FirstOrDefault();

    private static int Depth(string code, int end)
    {
        var depth = 0;
        for (var i = 0; i < end; i++)
        {
            depth += code[i] switch { '{' => 1, '}' => -1, _ => 0 };
        }

        return depth;
    }

    /// <summary>
    /// Blanks comments, character literals and string literals; of an interpolated string only
    /// the code in its holes stays, so that a type named in a hole is still seen.
    /// </summary>
    internal static string StripCommentsAndStrings(string code)
    {
        var sb = new StringBuilder(code.Length);
        var i = 0;
        while (i < code.Length)
        {
            var c = code[i];
            if (c == '/' && At(code, i + 1, '/'))
            {
                while (i < code.Length && code[i] != '\n')
                {
                    i++;
                }
            }
            else if (c == '/' && At(code, i + 1, '*'))
            {
                var end = code.IndexOf("*/", i + 2, StringComparison.Ordinal);
                end = end < 0 ? code.Length : end + 2;
                sb.Append(' ', 1).Append('\n', code.AsSpan(i, end - i).Count('\n'));
                i = end;
            }
            else if (c == '"')
            {
                var interpolated = i > 0 && (code[i - 1] == '$' || (code[i - 1] == '@' && i > 1 && code[i - 2] == '$'));
                var end = SkipString(code, i, verbatim: i > 0 && (code[i - 1] == '@' || (code[i - 1] == '$' && i > 1 && code[i - 2] == '@')));
                sb.Append('"');
                if (interpolated)
                {
                    AppendHoles(sb, code.AsSpan(i, end - i));
                }

                sb.Append('"');
                i = end;
            }
            else if (c == '\'')
            {
                var end = i + 1;
                while (end < code.Length && code[end] != '\'')
                {
                    end += code[end] == '\\' ? 2 : 1;
                }

                i = end + 1;
                sb.Append("' '");
            }
            else
            {
                sb.Append(c);
                i++;
            }
        }

        return sb.ToString();
    }

    /// <summary>The code in an interpolated string's holes, ({a.B}), one space for the text around them.</summary>
    private static void AppendHoles(StringBuilder sb, ReadOnlySpan<char> literal)
    {
        var depth = 0;
        for (var i = 0; i < literal.Length; i++)
        {
            var c = literal[i];
            if (depth == 0 && c == '{' && i + 1 < literal.Length && literal[i + 1] == '{')
            {
                i++;
            }
            else if (c == '{')
            {
                depth++;
                sb.Append(depth == 1 ? ' ' : c);
            }
            else if (c == '}' && depth > 0)
            {
                depth--;
                sb.Append(depth == 0 ? ' ' : c);
            }
            else if (depth > 0 && c != '"')
            {
                sb.Append(c);
            }
        }
    }

    private static bool At(string code, int i, char c) => i < code.Length && code[i] == c;

    private static int SkipString(string code, int start, bool verbatim)
    {
        if (code.AsSpan(start).StartsWith("\"\"\""))
        {
            var quotes = 0;
            while (start + quotes < code.Length && code[start + quotes] == '"')
            {
                quotes++;
            }

            var end = code.IndexOf(new string('"', quotes), start + quotes, StringComparison.Ordinal);
            return end < 0 ? code.Length : end + quotes;
        }

        var i = start + 1;
        while (i < code.Length)
        {
            if (verbatim && code[i] == '"' && At(code, i + 1, '"'))
            {
                i += 2;
            }
            else if (!verbatim && code[i] == '\\')
            {
                i += 2;
            }
            else if (code[i] == '"')
            {
                return i + 1;
            }
            else
            {
                i++;
            }
        }

        return i;
    }
}
