using System.Reflection;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using OciBundle.Building;
using OciBundle.Tests.Diagnostics;
using OciBundle.Tests.Support;

namespace OciBundle.Tests.Layout;

/// <summary>
/// Issue 14 item 1: the names of the MSBuild surface are written in several lists: the task call
/// in build/OciBundle.Sdk.targets, the task's parameters (GenerateOciBundle.cs, read from its
/// source: this project does not load MSBuild), RequestFactory, SurfaceNames, KnownNames, the
/// props' default items and the targets' defaults, and docs/properties.md. Until they are one
/// table, this test proves they agree, name by name and kind by kind (property or items), and
/// lists every disagreement at once. A name another change adds must be added to all of them.
/// </summary>
public sealed partial class SurfaceTableTests
{
    /// <summary>
    /// Task parameters that are no public name: MSBuild's own values and the targets' plumbing
    /// (issue 14 calls them "plumbing disguised as properties"; the one table removes them).
    /// </summary>
    private static readonly HashSet<string> Plumbing = new(StringComparer.Ordinal)
    {
        "RuntimeIdentifier", "AssemblyName", "TargetFileName", "OciPublishFile", "ProjectFullPath", "StampFile", "ProjectFiles",
    };

    /// <summary>
    /// Where the code groups a name differently from docs/properties.md (the docs' section is the
    /// reader's; the code's comments are the one table's to settle). Listed so the test shows them
    /// and fails when a new one appears or one is settled.
    /// </summary>
    private static readonly Dictionary<string, string> KnownGroupDisagreements = new(StringComparer.Ordinal)
    {
    };

    [GeneratedRegex(@"^\s*(?<name>\w+)=""(?<value>[^""]*)""", RegexOptions.Multiline)]
    private static partial Regex Attribute();

    [GeneratedRegex(@"^\s*(?:\[(?<attribute>\w+)\]\s*)?public (?<type>string\??|ITaskItem\[\]) (?<name>\w+) \{ get; (?<private>private )?set; \}", RegexOptions.Multiline)]
    private static partial Regex TaskParameter();

    [GeneratedRegex(@"^\s*// (?<group>.+)$", RegexOptions.Multiline)]
    private static partial Regex GroupComment();

    [GeneratedRegex(@"^(?<level>##|###) (?<title>.+)$", RegexOptions.Multiline)]
    private static partial Regex Heading();

    // "@(ContainerPort);@(OciPort)": the .NET SDK's items first, so ours win by name.
    [GeneratedRegex(@"^\$\((?<name>\w+)\)$|^(?:@\(Container\w+\);)?@\((?<items>\w+)\)$")]
    private static partial Regex Reference();

    private static string Source(params string[] parts) => File.ReadAllText(CatalogueDocumentationTests.RepositoryFile(parts));

    /// <summary>The task call's attributes: name → (kind, the name it passes).</summary>
    private static Dictionary<string, (bool Items, string Passed)> TaskCall()
    {
        var targets = Source("src", "OciBundle.Sdk", "build", "OciBundle.Sdk.targets");
        var start = targets.IndexOf("<GenerateOciBundle\n", StringComparison.Ordinal);
        var call = targets[start..targets.IndexOf('>', start)];
        var result = new Dictionary<string, (bool, string)>(StringComparer.Ordinal);
        foreach (Match a in Attribute().Matches(call))
        {
            var reference = Reference().Match(a.Groups["value"].Value);
            if (a.Groups["name"].Value != "Condition")
            {
                result[a.Groups["name"].Value] = reference.Success
                    ? (reference.Groups["items"].Success, reference.Groups["items"].Success ? reference.Groups["items"].Value : reference.Groups["name"].Value)
                    : (false, a.Groups["value"].Value);
            }
        }

        return result;
    }

    /// <summary>The task's input parameters: name → (kind, the "// Group" comment above it).</summary>
    private static Dictionary<string, (bool Items, string Group)> TaskParameters()
    {
        var code = Source("src", "OciBundle.Tasks", "GenerateOciBundle.cs");
        var groups = GroupComment().Matches(code).Select(m => (m.Index, m.Groups["group"].Value.Trim())).ToList();
        return TaskParameter().Matches(code)
            .Where(m => m.Groups["attribute"].Value != "Output" && !m.Groups["private"].Success)
            .ToDictionary(
                m => m.Groups["name"].Value,
                m => (m.Groups["type"].Value == "ITaskItem[]", groups.LastOrDefault(g => g.Index < m.Index).Item2 ?? ""),
                StringComparer.Ordinal);
    }

    /// <summary>SurfaceNames' constants: name → the "// Group" comment above it.</summary>
    private static Dictionary<string, string> SurfaceNameGroups()
    {
        var code = Source("src", "OciBundle", "Building", "SurfaceNames.cs");
        var groups = GroupComment().Matches(code).Select(m => (m.Index, m.Groups["group"].Value.Trim())).ToList();
        var declared = typeof(SurfaceNames).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToList();
        return declared.ToDictionary(
            n => n,
            n => groups.LastOrDefault(g => g.Index < code.IndexOf($"\"{n}\"", StringComparison.Ordinal)).Item2 ?? "",
            StringComparer.Ordinal);
    }

    /// <summary>ForeignNames' constants: the names of others that the SDK reads.</summary>
    private static HashSet<string> ForeignNameList() =>
        typeof(ForeignNames).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToHashSet(StringComparer.Ordinal);

    /// <summary>docs/properties.md's "### OciX" headings: name → the "## Section" it is in.</summary>
    private static Dictionary<string, string> DocumentedNames()
    {
        var doc = Source("docs", "properties.md");
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var section = "";
        foreach (Match h in Heading().Matches(doc))
        {
            if (h.Groups["level"].Value == "##")
            {
                section = h.Groups["title"].Value.Trim();
            }
            else if (h.Groups["title"].Value.Trim() is var title && title.StartsWith("Oci", StringComparison.Ordinal) && !title.Contains(' '))
            {
                result[title] = section;
            }
        }

        return result;
    }

    /// <summary>One word for a group, as each list spells it: "Isolation and mounts" and "Isolation" are one group.</summary>
    private static string Group(string written) => written switch
    {
        _ when written.StartsWith("Isolation", StringComparison.Ordinal) => "Isolation",
        _ when written.StartsWith("Root filesystem", StringComparison.Ordinal) => "Rootfs",
        _ when written.StartsWith("Plugin", StringComparison.Ordinal) || written.StartsWith("Docker plugin", StringComparison.Ordinal) => "Plugins",
        _ => written,
    };

    [Fact]
    public void Every_public_name_is_in_the_task_call_the_task_SurfaceNames_and_the_docs_with_one_kind()
    {
        var call = TaskCall();
        var parameters = TaskParameters();
        var surface = SurfaceNameGroups();
        var documented = DocumentedNames();
        var factory = Source("src", "OciBundle.Tasks", "RequestFactory.cs");
        var problems = new List<string>();

        var foreign = ForeignNameList();
        var docs = string.Concat(Directory.GetFiles(CatalogueDocumentationTests.RepositoryFile("docs"), "*.md").Select(File.ReadAllText));
        var everyName = call.Keys.Concat(parameters.Keys).Concat(surface.Keys).Concat(documented.Keys).Concat(foreign)
            .Where(n => !Plumbing.Contains(n)).Distinct().Order(StringComparer.Ordinal);
        foreach (var name in everyName)
        {
            // MSBuild's, NuGet's and the .NET SDK's names: in ForeignNames, passed to the task (the
            // targets may pass a value derived from them) and explained somewhere in docs/, but no
            // typo table or properties.md heading of ours.
            if (!name.StartsWith("Oci", StringComparison.Ordinal))
            {
                if (!foreign.Contains(name))
                {
                    problems.Add($"{name}: not an Oci name and not in ForeignNames.cs");
                }

                if (!call.ContainsKey(name) || !parameters.ContainsKey(name) || !factory.Contains($"task.{name}", StringComparison.Ordinal))
                {
                    problems.Add($"{name}: in ForeignNames but not passed by the task call, taken by the task and read by RequestFactory");
                }

                if (!docs.Contains($"`{name}`", StringComparison.Ordinal) && !docs.Contains($"$({name})", StringComparison.Ordinal))
                {
                    problems.Add($"{name}: named in no page of docs/");
                }

                continue;
            }

            void Missing(bool present, string where)
            {
                if (!present)
                {
                    problems.Add($"{name}: not in {where}");
                }
            }

            Missing(call.ContainsKey(name), "the GenerateOciBundle task call (build/OciBundle.Sdk.targets)");
            Missing(parameters.ContainsKey(name), "GenerateOciBundle.cs's parameters");
            Missing(surface.ContainsKey(name), "SurfaceNames.cs");
            Missing(documented.ContainsKey(name), "docs/properties.md (a ### heading)");
            Missing(KnownNames.All.Contains(name), "KnownNames.All (typo warnings)");
            Missing(factory.Contains($"task.{name}", StringComparison.Ordinal), "RequestFactory.cs (task." + name + ")");
            if (call.TryGetValue(name, out var passed) && passed.Passed != name)
            {
                problems.Add($"{name}: the task call passes {(passed.Items ? "@" : "$")}({passed.Passed}), not its own name");
            }

            if (call.TryGetValue(name, out var c) && parameters.TryGetValue(name, out var p) && c.Items != p.Items)
            {
                problems.Add($"{name}: the task call passes {(c.Items ? "items" : "a property")}, the task takes {(p.Items ? "items" : "a property")}");
            }

            if (parameters.TryGetValue(name, out var parameter) && parameter.Items != KnownNames.ItemMetadata.ContainsKey(name))
            {
                problems.Add($"{name}: {(parameter.Items ? "items without" : "a property with")} an entry in KnownNames.ItemMetadata");
            }
        }

        foreach (var name in Plumbing)
        {
            if (!call.ContainsKey(name) && !parameters.ContainsKey(name))
            {
                problems.Add($"{name}: listed as plumbing here but no longer passed: delete it from Plumbing");
            }
        }

        Assert.True(problems.Count == 0, "the surface's lists disagree:\n" + string.Join("\n", problems));
    }

    [Fact]
    public void The_names_the_package_defaults_and_switches_are_known_and_documented()
    {
        var props = XDocument.Load(PackageDefaults.PropsFile);
        var switches = Regex.Matches(props.ToString(), @"\$\((?<name>OciEnableDefault\w*)\)").Select(m => m.Groups["name"].Value).Distinct().ToList();
        var itemTypes = PackageDefaults.Items.Select(i => i.ItemType).Distinct().ToList();
        var targets = XDocument.Load(PackageDefaults.TargetsFile);
        var defaulted = targets.Root!.Elements("PropertyGroup").Elements().Select(e => e.Name.LocalName)
            .Where(n => n.StartsWith("Oci", StringComparison.Ordinal)).Distinct().ToList();
        var doc = Source("docs", "properties.md");
        var surface = SurfaceNameGroups();
        var problems = new List<string>();
        problems.AddRange(switches.Where(s => !KnownNames.All.Contains(s)).Select(s => $"{s}: a props switch missing from KnownNames (typo warnings)"));
        problems.AddRange(switches.Where(s => !doc.Contains($"`{s}`", StringComparison.Ordinal)).Select(s => $"{s}: a props switch docs/properties.md does not name"));
        problems.AddRange(itemTypes.Where(t => !surface.ContainsKey(t)).Select(t => $"{t}: a default item type that is not in SurfaceNames"));
        problems.AddRange(defaulted.Where(n => !surface.ContainsKey(n) && !KnownNames.All.Contains(n)).Select(n => $"{n}: defaulted in the targets but no known name"));
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void The_groups_agree_but_for_the_listed_disagreements()
    {
        var parameters = TaskParameters();
        var surface = SurfaceNameGroups();
        var documented = DocumentedNames();
        var found = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, surfaceGroup) in surface)
        {
            var taskGroup = parameters.TryGetValue(name, out var p) ? Group(p.Group) : "";
            var docGroup = documented.TryGetValue(name, out var d) ? Group(d) : "";
            if (Group(surfaceGroup) != taskGroup || Group(surfaceGroup) != docGroup)
            {
                found[name] = $"SurfaceNames: {Group(surfaceGroup)}, task: {taskGroup}, docs: {docGroup}";
            }
        }

        var unexpected = found.Keys.Where(n => !KnownGroupDisagreements.ContainsKey(n)).Select(n => $"{n}: {found[n]}").ToList();
        var settled = KnownGroupDisagreements.Keys.Where(n => !found.ContainsKey(n)).ToList();
        Assert.True(unexpected.Count == 0, "names grouped differently (put the name in the same group everywhere):\n" + string.Join("\n", unexpected));
        Assert.True(settled.Count == 0, "settled, delete from KnownGroupDisagreements: " + string.Join(", ", settled));
    }

    [Fact]
    public void The_docs_contents_list_each_section_s_names()
    {
        var doc = Source("docs", "properties.md");
        var contents = doc[..doc.IndexOf("## Using the SDK", StringComparison.Ordinal)];
        var listed = Regex.Matches(contents, @"`(Oci\w+)`").Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        var missing = DocumentedNames().Keys.Where(n => !listed.Contains(n)).ToList();
        Assert.True(missing.Count == 0, "docs/properties.md's contents leave out: " + string.Join(", ", missing));
    }
}
