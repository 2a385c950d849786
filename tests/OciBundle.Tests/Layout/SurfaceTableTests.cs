using System.Reflection;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using OciBundle.Platform;
using OciBundle.Request;
using OciBundle.Rootfs;
using OciBundle.Settings;
using OciBundle.Tasks;
using OciBundle.Tests.Diagnostics;
using OciBundle.Tests.Support;

namespace OciBundle.Tests.Layout;

/// <summary>
/// Issue 14 item 1: the MSBuild surface is one table, src/OciBundle/Request/SurfaceTable.txt.
/// The build generates from it SurfaceNames, ForeignNames, PlumbingNames and SurfaceTable.Rows,
/// and the task's parameters and their copy into the request; these tests prove that the
/// generated task takes exactly the table's names and copies each under its key, and that what
/// is written by hand agrees with the table, name by name: the task call in
/// build/OciBundle.Sdk.targets, the defaults of the props and targets, the typo lists and
/// docs/properties.md. Each test lists every disagreement at once.
/// </summary>
public sealed partial class SurfaceTableTests
{
    private static IEnumerable<SurfaceRow> TaskRows => SurfaceTable.Rows.Where(r => r.IsTaskParameter);

    /// <summary>The public names a project writes and the task reads (not the switches and outputs).</summary>
    private static IEnumerable<SurfaceRow> SettingRows => TaskRows.Where(r => r.IsPublic);

    [GeneratedRegex(@"^\s*(?<name>\w+)=""(?<value>[^""]*)""", RegexOptions.Multiline)]
    private static partial Regex Attribute();

    [GeneratedRegex(@"^(?<level>##|###) (?<title>.+)$", RegexOptions.Multiline)]
    private static partial Regex Heading();

    [GeneratedRegex(@"^\s*'\$\((?<name>\w+)\)'\s*==\s*''")]
    private static partial Regex UnsetCondition();

    private static string Source(params string[] parts) => File.ReadAllText(CatalogueDocumentationTests.RepositoryFile(parts));

    private static void NoProblems(List<string> problems, string what) =>
        Assert.True(problems.Count == 0, what + ":\n" + string.Join("\n", problems));

    /// <summary>The task call's attributes in the targets: name → the value passed.</summary>
    private static Dictionary<string, string> TaskCall()
    {
        var targets = Source("src", "OciBundle.Sdk", "build", "OciBundle.Sdk.targets");
        var start = targets.IndexOf("<GenerateOciBundle\n", StringComparison.Ordinal);
        var call = targets[start..targets.IndexOf('>', start)];
        return Attribute().Matches(call)
            .Where(a => a.Groups["name"].Value != "Condition")
            .ToDictionary(a => a.Groups["name"].Value, a => a.Groups["value"].Value, StringComparer.Ordinal);
    }

    /// <summary>docs/properties.md's "### OciX" headings: name → (the "## Section" it is in, the section's text).</summary>
    private static Dictionary<string, (string Section, string Text)> DocumentedNames()
    {
        var doc = Source("docs", "properties.md");
        var headings = Heading().Matches(doc).ToList();
        var result = new Dictionary<string, (string, string)>(StringComparer.Ordinal);
        var section = "";
        for (var i = 0; i < headings.Count; i++)
        {
            var title = headings[i].Groups["title"].Value.Trim();
            if (headings[i].Groups["level"].Value == "##")
            {
                section = title;
            }
            else if (title.StartsWith("Oci", StringComparison.Ordinal) && !title.Contains(' '))
            {
                var end = i + 1 < headings.Count ? headings[i + 1].Index : doc.Length;
                result[title] = (section, doc[headings[i].Index..end]);
            }
        }

        return result;
    }

    /// <summary>
    /// The reads of a public property that go around its generated SurfaceReads method, each with
    /// why: file name → the property reads it may make directly.
    /// </summary>
    private static readonly Dictionary<string, string[]> DirectReads = new(StringComparer.Ordinal)
    {
        // The SBOM writer read the name after the findings were reported, so a NUL in it was never
        // reported there: it takes the raw text and falls back, as before.
        ["SbomFormat.cs"] = ["Get(SurfaceNames.BundleName)"],
        // Whether the project is a plugin is decided from what was given, before anything is read.
        ["SettingsReader.cs"] = ["Get(SurfaceNames.PluginSocket)"],
    };

    /// <summary>A read of the request (a RequestReader's or a BundleRequest's, named reader or request as everywhere) by a name or a variable.</summary>
    [GeneratedRegex(@"\b(?:reader|request|Request)\.(?<call>String|Bool|Integer|LimitOrUnlimited|Get)\((?<name>SurfaceNames\.\w+|[a-z]\w*)[,)]")]
    private static partial Regex PropertyRead();

    /// <summary>
    /// Issue 14 item 1: each public property's parser is in the table (parser=), and the build
    /// generates SurfaceReads.Name of that kind. A row whose parser does not fit its use does not
    /// compile; this proves the other half: the code reads no public property around its method
    /// (by name, or through a variable holding a name), and every method is used, so the column is
    /// what the code does.
    /// </summary>
    [Fact]
    public void Each_public_property_is_read_by_its_parser_and_only_by_it()
    {
        var problems = new List<string>();
        var sourceFolder = CatalogueDocumentationTests.RepositoryFile("src", "OciBundle");
        var code = Directory.EnumerateFiles(sourceFolder, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ToDictionary(f => Path.GetRelativePath(sourceFolder, f), File.ReadAllText);
        foreach (var (file, text) in code.Where(c => Path.GetFileName(c.Key) != "RequestReader.cs"))
        {
            var allowed = DirectReads.GetValueOrDefault(Path.GetFileName(file), []);
            foreach (Match read in PropertyRead().Matches(text))
            {
                var name = read.Groups["name"].Value;
                var shown = $"{read.Groups["call"].Value}({name})";
                var isVariable = !name.StartsWith("SurfaceNames.", StringComparison.Ordinal);
                if (allowed.Contains(shown) || (isVariable && (read.Groups["call"].Value == "Get" || IsForeignRead(file, name))))
                {
                    continue;
                }

                problems.Add($"{file}: {shown} reads {(isVariable ? "a property through a variable" : "a public property")} around SurfaceReads (use the generated method of its row's parser=)");
            }
        }

        var all = string.Concat(code.Values);
        foreach (var row in SettingRows.Where(r => !r.IsItems))
        {
            var identifier = typeof(SurfaceNames).GetFields().Single(f => (string?)f.GetValue(null) == row.Name).Name;
            var method = typeof(SurfaceReads).GetMethod(identifier);
            if (row.Parser is null || method is null)
            {
                problems.Add($"{row.Name}: no parser= in the table, or no SurfaceReads.{identifier}");
                continue;
            }

            if (!all.Contains($"SurfaceReads.{identifier}(", StringComparison.Ordinal))
            {
                problems.Add($"{row.Name}: SurfaceReads.{identifier} (parser={row.Parser}) is never called: the settings stage reads it some other way, or not at all");
            }
        }

        NoProblems(problems, "public properties read around their parser");
    }

    /// <summary>The reads through a variable that are of names no row of a public group holds: ContainerNames' foreign names.</summary>
    private static bool IsForeignRead(string file, string variable) =>
        Path.GetFileName(file) == "ContainerNames.cs" && variable == "name";

    [Fact]
    public void The_table_names_each_name_once_with_a_declared_group()
    {
        var problems = new List<string>();
        problems.AddRange(SurfaceTable.Rows.GroupBy(r => r.Name, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).Select(g => $"{g.Key}: twice"));
        problems.AddRange(SurfaceTable.Rows.Where(r => SurfaceTable.Groups.All(g => g.Name != r.Group)).Select(r => $"{r.Name}: group {r.Group} is declared by no group line"));
        problems.AddRange(SurfaceTable.Rows.Where(r => r.IsPublic != r.Name.StartsWith("Oci", StringComparison.Ordinal) && r.Group != "Plumbing" && r.Group != "Internal")
            .Select(r => $"{r.Name}: public names start with Oci, and names of others do not"));
        NoProblems(problems, "the table");
    }

    [Fact]
    public void The_generated_task_exposes_exactly_the_table_s_parameters()
    {
        var properties = typeof(GenerateOciBundle).GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Where(p => p.SetMethod is { IsPublic: true } && p.GetCustomAttribute<OutputAttribute>() is null)
            .ToDictionary(p => p.Name, StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var row in TaskRows)
        {
            if (!properties.Remove(row.Name, out var property))
            {
                problems.Add($"{row.Name}: no parameter of the task");
                continue;
            }

            var expected = row.IsItems ? typeof(ITaskItem[]) : typeof(string);
            if (property.PropertyType != expected)
            {
                problems.Add($"{row.Name}: the task takes {property.PropertyType.Name}, the table says {(row.IsItems ? "items" : "property")}");
            }

            if ((property.GetCustomAttribute<RequiredAttribute>() is not null) != row.Required)
            {
                problems.Add($"{row.Name}: [Required] on the task is {!row.Required}, in the table {row.Required}");
            }
        }

        problems.AddRange(properties.Keys.Select(n => $"{n}: a task parameter that is no row of the table"));
        Assert.NotEmpty(TaskRows);
        NoProblems(problems, "the task's parameters and the table disagree");
    }

    [Fact]
    public void RequestFactory_copies_every_parameter_under_its_key_and_nothing_else()
    {
        var task = new GenerateOciBundle { ProjectFullPath = Path.Combine(Path.GetTempPath(), "surface", "p.proj") };
        foreach (var row in TaskRows.Where(r => r.Name is not nameof(GenerateOciBundle.ProjectFullPath)))
        {
            var property = typeof(GenerateOciBundle).GetProperty(row.Name)!;
            property.SetValue(task, row.IsItems ? new ITaskItem[] { new TaskItem("item-" + row.Name) } : "value-" + row.Name);
        }

        var request = RequestFactory.Create(task);
        var problems = new List<string>();
        foreach (var row in TaskRows.Where(r => r.Key is not null))
        {
            if (row.IsItems && request.GetItems(row.Key!).Select(i => i.ItemSpec).SingleOrDefault() != "item-" + row.Name)
            {
                problems.Add($"{row.Name}: not copied to the request's items {row.Key}");
            }
            else if (!row.IsItems && request.Get(row.Key!) != "value-" + row.Name)
            {
                problems.Add($"{row.Name}: not copied to the request's property {row.Key}");
            }
        }

        var keys = TaskRows.Where(r => r.Key is not null).Select(r => r.Key!).ToHashSet(StringComparer.OrdinalIgnoreCase);
        problems.AddRange(request.Properties.Select(p => p.Key).Concat(request.Items.Select(i => i.Key)).Where(k => !keys.Contains(k)).Select(k => $"{k}: in the request but the key of no row"));
        Assert.Equal(Path.GetDirectoryName(task.ProjectFullPath), request.ProjectDirectory);
        NoProblems(problems, "RequestFactory and the table disagree");
    }

    [Fact]
    public void The_targets_task_call_passes_each_parameter_as_the_table_says()
    {
        var call = TaskCall();
        var problems = new List<string>();
        foreach (var row in TaskRows)
        {
            if (!call.Remove(row.Name, out var passed))
            {
                problems.Add($"{row.Name}: not in the GenerateOciBundle task call (build/OciBundle.Sdk.targets): add {row.Name}=\"{row.PassedExpression}\"");
            }
            else if (passed != row.PassedExpression)
            {
                problems.Add($"{row.Name}: the task call passes \"{passed}\", the table says \"{row.PassedExpression}\" (passed= in SurfaceTable.txt)");
            }
        }

        problems.AddRange(call.Keys.Select(n => $"{n}: passed by the task call but no task row of the table"));
        NoProblems(problems, "the task call and the table disagree");
    }

    [Fact]
    public void The_props_and_targets_defaults_are_the_table_s()
    {
        // The targets' <X Condition="'$(X)' == ''…">…</X> lines, and any other assignment of an Oci name.
        var assigned = new HashSet<string>(StringComparer.Ordinal);
        var defaulted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in XDocument.Load(PackageDefaults.TargetsFile).Root!.Elements("PropertyGroup").Elements())
        {
            var name = property.Name.LocalName;
            assigned.Add(name);
            if (UnsetCondition().Match((string?)property.Attribute("Condition") ?? "") is { Success: true } m && m.Groups["name"].Value == name)
            {
                defaulted.Add(name);
            }
        }

        var defaultItems = PackageDefaults.Items.Select(i => i.ItemType).ToHashSet(StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var row in SettingRows)
        {
            var expected = row.IsItems
                ? defaultItems.Contains(row.Name) ? "props" : null
                : PackageDefaults.Properties.TryGetValue(row.Name, out var literal) ? literal
                : defaulted.Contains(row.Name) ? "(computed)" : null;
            if (row.Default != expected)
            {
                problems.Add($"{row.Name}: the {(row.IsItems ? "props" : "targets")} give {expected ?? "no default"}, the table {row.Default ?? "none"}");
            }
        }

        var rows = SurfaceTable.Rows.Select(r => r.Name).ToHashSet(StringComparer.Ordinal);
        problems.AddRange(assigned.Where(n => n.StartsWith("Oci", StringComparison.Ordinal) && !rows.Contains(n)).Select(n => $"{n}: set by the targets but no row of the table"));
        problems.AddRange(defaultItems.Where(t => !rows.Contains(t)).Select(t => $"{t}: a default item type of the props but no row of the table"));

        var switches = Regex.Matches(XDocument.Load(PackageDefaults.PropsFile).ToString(), @"\$\((?<name>OciEnableDefault\w*)\)").Select(m => m.Groups["name"].Value).ToHashSet(StringComparer.Ordinal);
        var switchRows = SurfaceTable.Rows.Where(r => r.Group == "Switches").Select(r => r.Name).ToHashSet(StringComparer.Ordinal);
        problems.AddRange(switches.Except(switchRows).Select(s => $"{s}: a switch of the props but no Switches row"));
        problems.AddRange(switchRows.Except(switches).Select(s => $"{s}: a Switches row the props do not read"));
        NoProblems(problems, "the package's defaults and the table disagree");
    }

    [Fact]
    public void Docs_properties_md_has_each_public_name_in_its_group_s_section_with_its_default()
    {
        var documented = DocumentedNames();
        var doc = Source("docs", "properties.md");
        var problems = new List<string>();
        foreach (var row in SettingRows)
        {
            var title = SurfaceTable.Groups.Single(g => g.Name == row.Group).Title;
            if (!documented.Remove(row.Name, out var section))
            {
                problems.Add($"{row.Name}: no \"### {row.Name}\" in docs/properties.md (section \"## {title}\")");
                continue;
            }

            if (section.Section != title)
            {
                problems.Add($"{row.Name}: documented under \"## {section.Section}\", its group is {row.Group} (\"## {title}\")");
            }

            // A literal default is written in the section, in one paragraph or list entry with the word default.
            if (row.Default is { } value && value is not ("props" or "(computed)")
                && !section.Text.Split(["\n\n", "\n- "], StringSplitOptions.None).Any(p => p.Contains('`' + value + '`', StringComparison.Ordinal) && p.Contains("default", StringComparison.OrdinalIgnoreCase)))
            {
                problems.Add($"{row.Name}: its section does not give the default `{value}`");
            }
        }

        problems.AddRange(documented.Keys.Select(n => $"{n}: a docs/properties.md heading but no public row of the table"));
        problems.AddRange(SurfaceTable.Rows.Where(r => r.Group == "Switches" && !doc.Contains($"`{r.Name}`", StringComparison.Ordinal))
            .Select(r => $"{r.Name}: docs/properties.md does not name it"));
        var outputs = Source("docs", "outputs.md");
        var targets = Source("src", "OciBundle.Sdk", "build", "OciBundle.Sdk.targets");
        foreach (var row in SurfaceTable.Rows.Where(r => r.Group == "Outputs"))
        {
            if (!outputs.Contains($"`{(row.IsItems ? "@" : "$")}({row.Name})`", StringComparison.Ordinal))
            {
                problems.Add($"{row.Name}: docs/outputs.md does not name it as {(row.IsItems ? "@" : "$")}({row.Name})");
            }

            if (!targets.Contains($"{(row.IsItems ? "ItemName" : "PropertyName")}=\"{row.Name}\"", StringComparison.Ordinal))
            {
                problems.Add($"{row.Name}: the GenerateOciBundle target does not return it as {(row.IsItems ? "items" : "a property")}");
            }
        }

        var docs = string.Concat(Directory.GetFiles(CatalogueDocumentationTests.RepositoryFile("docs"), "*.md").Select(File.ReadAllText));
        problems.AddRange(SurfaceTable.Rows.Where(r => r.Group == "Foreign" && !docs.Contains($"`{r.Name}`", StringComparison.Ordinal) && !docs.Contains($"$({r.Name})", StringComparison.Ordinal))
            .Select(r => $"{r.Name}: a foreign name no page of docs/ explains"));
        NoProblems(problems, "docs/properties.md and the table disagree");
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

    [Fact]
    public void Only_public_names_and_the_marked_internal_ones_are_known_to_the_typo_check()
    {
        var problems = new List<string>();
        foreach (var row in SurfaceTable.Rows)
        {
            if (KnownNames.All.Contains(row.Name) != (row.IsPublic || row.Known))
            {
                problems.Add($"{row.Name} ({row.Group}): known to the typo check is {KnownNames.All.Contains(row.Name)}");
            }
        }

        // Plumbing is no setting: a project that writes one of these names is told it is unknown.
        Assert.DoesNotContain(PlumbingNames.StampFile, KnownNames.All);
        Assert.DoesNotContain(PlumbingNames.PublishFile, KnownNames.All);
        Assert.DoesNotContain(PlumbingNames.PluginNetworkType, KnownNames.All);

        // Each public item type has its metadata list, and no other name has one.
        var items = SettingRows.Where(r => r.IsItems).Select(r => r.Name).ToHashSet(StringComparer.Ordinal);
        problems.AddRange(items.Where(t => !KnownNames.ItemMetadata.ContainsKey(t)).Select(t => $"{t}: items without an entry in KnownNames.ItemMetadata"));
        problems.AddRange(KnownNames.ItemMetadata.Keys.Where(t => !items.Contains(t)).Select(t => $"{t}: in KnownNames.ItemMetadata but no public items row"));
        NoProblems(problems, "the typo lists and the table disagree");
    }

    [Fact]
    public void The_plumbing_constants_elsewhere_are_the_table_s_keys()
    {
        Assert.Equal(PlumbingNames.StampFile, BundleOptions.StampFileProperty);
        Assert.Equal("OciBundleStampFile", PlumbingNames.StampFile);
        Assert.Equal("_OciPublishFile", PlumbingNames.PublishFile);
        Assert.Equal(PlumbingNames.PublishFile, PublishOutput.FileItemType);
        Assert.Equal(PlumbingNames.RuntimeIdentifier, TargetArchitecture.RuntimeIdentifierProperty);
    }

    [Fact]
    public void SurfaceNames_keeps_its_identifiers()
    {
        // Code elsewhere reads SurfaceNames.MemoryLimit and the like: the generated constant is the name without Oci.
        Assert.Equal("OciMemoryLimit", SurfaceNames.MemoryLimit);
        Assert.Equal("OciBlockIOWeight", SurfaceNames.BlockIOWeight);
        Assert.Equal("ContainerBaseImage", ForeignNames.ContainerBaseImage);
        var constants = typeof(SurfaceNames).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (string)f.GetRawConstantValue()!).ToList();
        Assert.Equal(SettingRows.Select(r => r.Name), constants);
    }
}
