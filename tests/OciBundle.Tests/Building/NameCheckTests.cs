using System.Text.RegularExpressions;
using OciBundle.Diagnostics;
using OciBundle.Request;
using OciBundle.Settings;
using OciBundle.Steps;
using OciBundle.Tests.Diagnostics;
using OciBundle.Tests.Support;

namespace OciBundle.Tests.Building;

/// <summary>Typos are not silent: the nearest-name rule, the scan of project files, and the warnings (OCIB1093, OCIB1094).</summary>
public class NameCheckTests
{
    [Theory]
    [InlineData("OciMemoryLimt", "OciMemoryLimit")] // a letter left out
    [InlineData("ocimemorylimit2", "OciMemoryLimit")] // any case, one extra
    [InlineData("OciMemroyLimit", "OciMemoryLimit")] // two letters swapped count as one edit
    [InlineData("OciCapabilty", "OciCapability")]
    [InlineData("OciTotallyUnrelated", null)] // nothing close: no guess
    public void The_nearest_known_name_is_offered_only_when_it_is_close(string typo, string? expected)
    {
        Assert.Equal(expected, NearestName.Find(typo, KnownNames.All));
    }

    [Theory]
    [InlineData("Mod", "Mode")]
    [InlineData("Sorce", "Source")]
    [InlineData("Xyz", null)]
    public void Short_names_allow_one_edit(string typo, string? expected)
    {
        Assert.Equal(expected, NearestName.Find(typo, KnownNames.ItemMetadata[SurfaceNames.Mount]));
    }

    [Fact]
    public void An_unknown_Oci_element_is_a_warning_at_its_element_and_other_names_are_left_alone()
    {
        var location = new SourceLocation("/p/app.proj", 7, 6);
        var request = new BundleRequest
        {
            ProjectElements =
            [
                new ProjectElement("OciMemoryLimt", location),
                new ProjectElement("OCIMEMORYLIMIT", new SourceLocation("/p/app.proj", 8, 6)), // MSBuild names are case-insensitive
                new ProjectElement("OciEnableDefaultCapabilityItems", new SourceLocation("/p/app.proj", 9, 6)),
                new ProjectElement("OutputType", new SourceLocation("/p/app.proj", 10, 6)),
            ],
        };
        var diagnostic = Assert.Single(Check(request));
        Assert.Equal("OCIB1093", diagnostic.Code);
        Assert.Equal(DiagnosticSeverity.Warning, diagnostic.Severity);
        Assert.Equal(location, diagnostic.Location);
        Assert.EndsWith("Did you mean OciMemoryLimit?", diagnostic.Message);
    }

    [Fact]
    public void A_plugin_config_import_keeps_the_project_elements_so_typos_are_still_warned()
    {
        // The import used to build a request without the project's elements, so a plugin project
        // (OciPluginConfig) never heard of its typos.
        var location = new SourceLocation("/p/plugin.proj", 5, 6);
        var request = new BundleRequest { ProjectElements = [new ProjectElement("OciMemoryLimt", location)] };
        var imported = request.Import(new ImportedValues(
            new Dictionary<string, ImportedProperty> { [SurfaceNames.Hostname] = new ImportedProperty("from-file", () => null) },
            new Dictionary<string, List<RequestItem>>(),
            new HashSet<string>()));
        Assert.Equal("from-file", imported.Get(SurfaceNames.Hostname));
        var diagnostic = Assert.Single(Check(imported));
        Assert.Equal("OCIB1093", diagnostic.Code);
        Assert.Equal(location, diagnostic.Location);
    }

    [Fact]
    public void Unknown_metadata_on_our_items_is_a_warning_with_the_nearest_name_or_the_list()
    {
        var request = new BundleRequest()
            .WithItem(SurfaceNames.Mount, "/data", ("Source", "/srv"), ("Mod", "ro"))
            .WithItem(SurfaceNames.Annotation, "com.example.team", ("Value", "a"), ("Owner", "me"))
            .WithItem(SurfaceNames.Rlimit, "RLIMIT_NOFILE", ("soft", "1"), ("Hard", "2"));
        var messages = Check(request).Select(d => $"{d.Code} {d.Message}").ToList();
        Assert.Equal(
            [
                "OCIB1094 OciMount '/data' has the metadata 'Mod', which OciBundle.Sdk does not read on OciMount, so the bundle ignores it. Did you mean Mode?",
                "OCIB1094 OciAnnotation 'com.example.team' has the metadata 'Owner', which OciBundle.Sdk does not read on OciAnnotation, so the bundle ignores it. It reads Value.",
            ],
            messages);
    }

    [Fact]
    public void The_SDKs_own_default_items_are_not_checked()
    {
        var request = new BundleRequest().WithDefaultItem(SurfaceNames.Capability, "CAP_CHOWN", ("Extra", "x"));
        Assert.Empty(Check(request));
    }

    [Theory]
    [InlineData(SurfaceNames.Capability, "net_admn", "OCIB1012", "Did you mean CAP_NET_ADMIN?")]
    [InlineData(SurfaceNames.Rlimit, "nofle", "OCIB1016", "Did you mean RLIMIT_NOFILE?")]
    [InlineData(SurfaceNames.Namespace, "netwrk", "OCIB1014", "Did you mean network?")]
    public void Unknown_values_of_closed_vocabularies_name_the_nearest(string itemType, string value, string code, string hint)
    {
        var request = RequestBuilder.Defaults().WithItem(itemType, value);
        var diagnostic = Assert.Single(SpecFixture.Diagnose(request).Diagnostics, d => d.Code == code);
        Assert.EndsWith(hint, diagnostic.Message);
    }

    [Fact]
    public void A_hook_stage_and_a_seccomp_action_name_the_nearest_too()
    {
        Assert.Equal(" Did you mean poststart?", NearestName.Hint("postsart", SpecVocabulary.HookStages));
        Assert.Equal(" Did you mean SCMP_ACT_ERRNO?", NearestName.Hint("SCMP_ACT_ERNO", OciBundle.Seccomp.SeccompVocabulary.Actions));
        Assert.Equal("", NearestName.Hint("SCMP_ACT_WHATEVER", OciBundle.Seccomp.SeccompVocabulary.Actions));
    }

    [Fact]
    public void The_locator_lists_property_and_item_elements_with_their_positions_across_files()
    {
        using var temp = new TempDirectory();
        var props = Path.Combine(temp.Path, "Directory.Build.props");
        var project = Path.Combine(temp.Path, "app.proj");
        File.WriteAllText(props, "<Project>\n  <PropertyGroup>\n    <OciHostPdi>true</OciHostPdi>\n  </PropertyGroup>\n</Project>\n");
        File.WriteAllText(project, "<Project>\n  <ItemGroup>\n    <OciMonut Include=\"/x\">\n      <Mode>ro</Mode>\n    </OciMonut>\n  </ItemGroup>\n  <Target Name=\"T\" />\n</Project>\n");

        var elements = new ProjectSourceLocator([props, project]).PropertyAndItemElements().ToList();
        Assert.Equal(
            [new ProjectElement("OciHostPdi", new SourceLocation(props, 3, 6)), new ProjectElement("OciMonut", new SourceLocation(project, 3, 6))],
            elements);
    }

    [Fact]
    public void Every_Oci_name_the_package_props_and_targets_define_is_known()
    {
        var folder = CatalogueDocumentationTests.RepositoryFile("src", "OciBundle.Sdk");
        var names = Directory.GetFiles(folder, "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".props", StringComparison.Ordinal) || f.EndsWith(".targets", StringComparison.Ordinal))
            .SelectMany(f => Regex.Matches(File.ReadAllText(f), @"<(Oci[A-Za-z]+)[\s>/]").Select(m => m.Groups[1].Value))
            .Distinct()
            .ToList();
        Assert.NotEmpty(names);
        Assert.All(names, n => Assert.Contains(n, KnownNames.All));
    }

    private static List<Diagnostic> Check(BundleRequest request)
    {
        var diagnostics = new DiagnosticBag();
        NameCheck.Check(new RequestReader(request, diagnostics));
        return [.. diagnostics.Items];
    }
}
