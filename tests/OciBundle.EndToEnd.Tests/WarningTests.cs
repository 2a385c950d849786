namespace OciBundle.EndToEnd.Tests;

/// <summary>
/// Warnings print with their code and the line of the element, the build still succeeds and writes
/// the bundle, and MSBuild's usual switches silence them or turn them into errors.
/// </summary>
[Collection(SdkFeedCollection.Name)]
public sealed class WarningTests(SdkFeed feed)
{
    private const string HostPid = "<OciHostPid>true</OciHostPid>";

    private static readonly IReadOnlyList<InvalidProject> Cases =
    [
        new("warn-1085-annotation-key", "OCIB1085") { Items = """<OciAnnotation Include="team" Value="payments" />""", Needle = "<OciAnnotation" },
        new("warn-2080-privileged", "OCIB2080") { Properties = "<OciPrivileged>true</OciPrivileged>", Needle = "<OciPrivileged>" },
        new("warn-2081-host-pid", "OCIB2081") { Properties = HostPid, Needle = "<OciHostPid>" },
        new("warn-2081-host-network-in-directory-build-props", "OCIB2081")
        {
            DirectoryBuildProps = "  <PropertyGroup>\n    <OciNetworkMode>host</OciNetworkMode>\n  </PropertyGroup>",
            Needle = "<OciNetworkMode>",
        },
        new("warn-2090-unconfined", "OCIB2090") { Properties = "<OciSeccompProfile>unconfined</OciSeccompProfile>", Needle = "<OciSeccompProfile>" },
        new("warn-2091-seccomp-flags", "OCIB2091")
        {
            Properties = "<OciSeccompProfile>seccomp.json</OciSeccompProfile>",
            Files = [("seccomp.json", "{\n  \"defaultAction\": \"SCMP_ACT_ALLOW\",\n  \"flags\": [\"SECCOMP_FILTER_FLAG_LOG\"],\n  \"syscalls\": []\n}\n")],
            Needle = "[\"SECCOMP_FILTER_FLAG_LOG\"]", // the value, as for every profile diagnostic
        },
        new("warn-3007-device-in-archive", "OCIB3007")
        {
            // Found while reading the archive: no element, the project file alone.
            Properties = "<OciBaseRootfs>base.tar</OciBaseRootfs>",
            Setup = dir => TarFiles.Write(Path.Combine(dir, "base.tar"), TarFiles.Folder("dev/"), TarFiles.CharacterDevice("dev/null", 1, 3)),
        },
    ];

    public static TheoryData<string> Names => new(Cases.Select(c => c.Name));

    [Theory]
    [MemberData(nameof(Names))]
    public void A_warning_points_at_its_element_and_the_build_succeeds(string name)
    {
        var warned = Cases.Single(c => c.Name == name);
        var project = warned.Create(feed);
        var result = project.BuildSucceeds();

        var warnings = BuildLog.Lines(result, "warning", warned.Code);
        var expected = warned.ExpectedStart(project, "warning");
        Assert.True(
            warnings.Any(w => w.StartsWith(expected, StringComparison.Ordinal)),
            $"no warning starts with '{expected}' in:\n{result.All}");
        Assert.Contains("0 Error(s)", result.StdOut);
        Assert.True(File.Exists(project.BundleFile("config.json")));
    }

    [Fact]
    public void NoWarn_in_the_project_silences_it()
    {
        var project = Create("nowarn", "<NoWarn>$(NoWarn);OCIB2081</NoWarn>");
        var result = project.BuildSucceeds();

        Assert.DoesNotContain("OCIB2081", result.StdOut);
        Assert.Contains("0 Warning(s)", result.StdOut);
        Assert.True(File.Exists(project.BundleFile("config.json")));
    }

    [Fact]
    public void WarnAsMessage_on_the_command_line_silences_it()
    {
        var project = Create("warn-as-message", "");
        var result = project.BuildSucceeds("-warnAsMessage:OCIB2081");

        Assert.DoesNotContain("warning OCIB2081", result.StdOut);
        Assert.Contains("0 Warning(s)", result.StdOut);
    }

    [Fact]
    public void MSBuildWarningsAsErrors_fails_the_build_with_the_same_code_and_line()
    {
        var project = Create("warnings-as-errors", "<MSBuildWarningsAsErrors>OCIB2081</MSBuildWarningsAsErrors>");
        var result = project.Build();

        // What MSBuild prints: the warning becomes "error OCIB2081" at the same place, counted as
        // an error, and the build fails. The task sees it as an error and writes nothing.
        Assert.True(result.ExitCode != 0, $"the build succeeded:\n{result.All}");
        var position = BuildLog.Position(project.ProjectFile, "<OciHostPid>");
        var errors = BuildLog.Lines(result, "error", "OCIB2081");
        Assert.Equal([$"{project.ProjectFile}{position}: error OCIB2081: OciHostPid is 'true': the container shares the host's pid namespace, so it sees and can signal every host process. Leave OciHostPid unset unless the container needs it."], errors);
        Assert.DoesNotContain("warning OCIB2081", result.StdOut);
        Assert.Contains("Build FAILED.", result.StdOut);
        Assert.Contains("0 Warning(s)", result.StdOut);
        Assert.Contains("1 Error(s)", result.StdOut);
        BuildLog.AssertNoCrash(result);
        Assert.False(Directory.Exists(project.BundleDirectory), "a build failed by a warning-as-error still wrote its bundle");
    }

    [Fact]
    public void Misspelt_names_metadata_and_values_are_flagged_at_their_element_with_the_nearest_real_name()
    {
        var typos = new InvalidProject("typos", "OCIB1093")
        {
            Properties = "<OciMemoryLimt>64Mi</OciMemoryLimt>",
            Items = """
                <OciMount Include="/scratch" Type="tmpfs" Source="tmpfs" Mod="ro" />
                <OciCapability Include="CAP_NET_ADMN" />
                """,
        };
        var project = typos.Create(feed);
        string At(string needle) => $"{project.ProjectFile}{BuildLog.Position(project.ProjectFile, needle)}";

        // The unknown capability is an error as before, now with the nearest name; the two typos
        // MSBuild would have taken silently are warnings at their elements.
        var failed = project.Build();
        Assert.NotEqual(0, failed.ExitCode);
        Assert.Equal(
            [$"{At("<OciMemoryLimt>")}: warning OCIB1093: 'OciMemoryLimt' starts with Oci but is no property or item of OciBundle.Sdk, so the bundle ignores it. Did you mean OciMemoryLimit?"],
            BuildLog.Lines(failed, "warning", "OCIB1093"));
        Assert.Equal(
            [$"{At("<OciMount")}: warning OCIB1094: OciMount '/scratch' has the metadata 'Mod', which OciBundle.Sdk does not read on OciMount, so the bundle ignores it. Did you mean Mode?"],
            BuildLog.Lines(failed, "warning", "OCIB1094"));
        var capability = Assert.Single(BuildLog.Lines(failed, "error", "OCIB1012"));
        Assert.StartsWith($"{At("<OciCapability")}: error OCIB1012: OciCapability 'CAP_NET_ADMN' is not a Linux capability.", capability);
        Assert.EndsWith("Did you mean CAP_NET_ADMIN?", capability);
        BuildLog.AssertNoCrash(failed);

        // Warnings alone leave the build successful.
        File.WriteAllText(project.ProjectFile, File.ReadAllText(project.ProjectFile).Replace("CAP_NET_ADMN", "CAP_NET_ADMIN", StringComparison.Ordinal));
        var built = project.BuildSucceeds();
        Assert.Single(BuildLog.Lines(built, "warning", "OCIB1093"));
        Assert.Single(BuildLog.Lines(built, "warning", "OCIB1094"));
        Assert.Contains("0 Error(s)", built.StdOut);
        Assert.True(File.Exists(project.BundleFile("config.json")));
    }

    [Fact]
    public void Misspelt_names_in_the_projects_own_imports_are_flagged_at_their_line_in_the_imported_file()
    {
        // Two files deep (the project imports common.props, which imports build/more.props); the
        // SDK's own and Microsoft's imports are not scanned, so these two are the only warnings.
        const string Common = """
            <Project>
              <Import Project="$(MSBuildThisFileDirectory)build/more.props" />
              <PropertyGroup>
                <OciMemoryLimt>64Mi</OciMemoryLimt>
              </PropertyGroup>
            </Project>
            """;
        const string More = """
            <Project>
              <PropertyGroup>
                <OciHostnme>typo</OciHostnme>
              </PropertyGroup>
            </Project>
            """;
        var xml = Projects.Show().Replace("<PropertyGroup>", "<Import Project=\"common.props\" />\n  <PropertyGroup>", StringComparison.Ordinal);
        var project = feed.CreateProject("typos-imported", xml, ("show.sh", Projects.ShowScript, true), ("common.props", Common, false), ("build/more.props", More, false));
        var common = Path.Combine(project.Directory, "common.props");
        var more = Path.Combine(project.Directory, "build", "more.props");

        var built = project.BuildSucceeds();
        var flagged = BuildLog.Lines(built, "warning", "OCIB1093").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(2, flagged.Count);
        string[] expected =
            [$"{more}{BuildLog.Position(more, "<OciHostnme>")}: warning OCIB1093: 'OciHostnme' starts with Oci but is no property or item of OciBundle.Sdk, so the bundle ignores it. Did you mean OciHostname? [{project.ProjectFile}]",
             $"{common}{BuildLog.Position(common, "<OciMemoryLimt>")}: warning OCIB1093: 'OciMemoryLimt' starts with Oci but is no property or item of OciBundle.Sdk, so the bundle ignores it. Did you mean OciMemoryLimit? [{project.ProjectFile}]"];
        // MSBuild names the project after a message located in another file.
        Assert.Equal(expected[0], flagged[0]);
        Assert.Equal(expected[1], flagged[1]);
    }

    /// <summary>A project with OciHostPid (OCIB2081) and <paramref name="extra"/> properties after it.</summary>
    private TestProject Create(string name, string extra) =>
        new InvalidProject("warn-2081-" + name, "OCIB2081") { Properties = HostPid + "\n" + extra }.Create(feed);
}
