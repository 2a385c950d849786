using System.Text.Json;
using Xunit.Abstractions;

namespace OciBundle.EndToEnd.Tests;

[Collection(SdkFeedCollection.Name)]
public sealed class BundleBuildTests(SdkFeed feed, ITestOutputHelper output)
{
    private const string DefaultPath = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    [Fact]
    public void An_Sdk_project_builds_a_bundle_that_runc_runs()
    {
        var project = Projects.CreateShow(feed, "show");
        var build = project.BuildSucceeds();

        Assert.Contains($"show -> {project.BundleDirectory}", build.StdOut);
        Assert.True(File.Exists(project.BundleFile("config.json")));
        Assert.True(File.Exists(project.BundleFile("rootfs.tar.gz")));
        var sums = File.ReadAllLines(project.BundleFile("SHA256SUMS"));
        Assert.Equal(["config.json", "rootfs.tar.gz", "sbom.spdx.json"], sums.Select(l => l.Split("  ")[1]));
        var check = ProcessResult.Run("sha256sum", ["-c", "SHA256SUMS"], project.BundleDirectory);
        Assert.True(check.ExitCode == 0, check.All);

        using var config = JsonDocument.Parse(File.ReadAllText(project.BundleFile("config.json")));
        Assert.Equal("1.1.0", config.RootElement.GetProperty("ociVersion").GetString());
        Assert.Equal("rootfs", config.RootElement.GetProperty("root").GetProperty("path").GetString());

        if (!Runc.Usable(output))
        {
            return;
        }

        var run = Runc.Run(Runc.Unpack(project.BundleDirectory));
        Assert.True(run.ExitCode == 0, run.All);
        var lines = run.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["arg=first", "arg=two words"], lines.Where(l => l.StartsWith("arg=", StringComparison.Ordinal)));
        Assert.Contains("cwd=/srv", lines);
        Assert.Contains("uid=1000 gid=1001", lines);
        Assert.Contains("hostname=show", lines);
        Assert.Contains("env:GREETING=hello world", lines);
        Assert.Contains("env:" + DefaultPath, lines);
    }

    [Fact]
    public void A_rebuild_with_nothing_changed_writes_nothing_and_a_property_change_rebuilds()
    {
        var project = Projects.CreateShow(feed, "incremental");
        project.BuildSucceeds();
        var before = Stamps(project);

        Thread.Sleep(1100); // so a rewrite would show in the timestamps
        var again = project.BuildSucceeds();
        Assert.Equal(before, Stamps(project));
        Assert.Contains("up to date", again.StdOut);

        project.BuildSucceeds("-p:OciHostname=other");
        Assert.NotEqual(before[0], Stamps(project)[0]);
        Assert.Contains("\"hostname\": \"other\"", File.ReadAllText(project.BundleFile("config.json")));

        if (Runc.Usable(output))
        {
            var run = Runc.Run(Runc.Unpack(project.BundleDirectory));
            Assert.Contains("hostname=other", run.StdOut);
        }
    }

    [Fact]
    public void A_changed_input_file_rebuilds_the_rootfs()
    {
        var project = Projects.CreateShow(feed, "changed-file");
        project.BuildSucceeds();
        var sums = File.ReadAllText(project.BundleFile("SHA256SUMS"));

        File.AppendAllText(Path.Combine(project.Directory, "show.sh"), "echo changed\n");
        project.BuildSucceeds();
        Assert.NotEqual(sums, File.ReadAllText(project.BundleFile("SHA256SUMS")));
    }

    [Fact]
    public void Builds_of_the_same_project_in_two_folders_are_byte_identical()
    {
        var first = Projects.CreateShow(feed, "repro-a", "<OciBundleName>repro</OciBundleName>");
        var second = first.CopyTo("repro-b");
        first.BuildSucceeds();
        second.BuildSucceeds();

        Assert.Equal(File.ReadAllText(first.BundleFile("SHA256SUMS")), File.ReadAllText(second.BundleFile("SHA256SUMS")));
        Assert.Equal(File.ReadAllBytes(first.BundleFile("rootfs.tar.gz")), File.ReadAllBytes(second.BundleFile("rootfs.tar.gz")));
    }

    [Fact]
    public void The_directory_format_is_a_bundle_runc_runs_as_it_is()
    {
        var project = Projects.CreateShow(feed, "as-directory", "<OciRootfsFormat>directory</OciRootfsFormat>");
        project.BuildSucceeds();
        Assert.True(Directory.Exists(project.BundleFile("rootfs")));
        Assert.False(File.Exists(project.BundleFile("rootfs.tar.gz")));
        var check = ProcessResult.Run("sha256sum", ["-c", "SHA256SUMS"], project.BundleDirectory);
        Assert.True(check.ExitCode == 0, check.All);
        Assert.Contains("rootfs/usr/local/bin/show: OK", check.StdOut);

        if (Runc.Usable(output))
        {
            var run = Runc.Run(project.BundleDirectory);
            Assert.True(run.ExitCode == 0, run.All);
            Assert.Contains("arg=two words", run.StdOut);
        }
    }

    /// <summary>OciRootfsFormat=tar.zst: rootfs.tar.zst, checked by zstd and SHA256SUMS, extracted with GNU tar --zstd -x, run by runc.</summary>
    [Fact]
    public void The_tar_zst_format_unpacks_with_GNU_tar_into_a_bundle_that_runs()
    {
        var project = Projects.CreateShow(feed, "as-zstd", "<OciRootfsFormat>tar.zst</OciRootfsFormat>");
        project.BuildSucceeds();
        Assert.True(File.Exists(project.BundleFile("rootfs.tar.zst")));
        Assert.False(File.Exists(project.BundleFile("rootfs.tar.gz")));
        var sums = File.ReadAllLines(project.BundleFile("SHA256SUMS"));
        Assert.Equal(["config.json", "rootfs.tar.zst", "sbom.spdx.json"], sums.Select(l => l.Split("  ")[1]));
        var check = ProcessResult.Run("sha256sum", ["-c", "SHA256SUMS"], project.BundleDirectory);
        Assert.True(check.ExitCode == 0, check.All);
        var test = ProcessResult.Run("zstd", ["-t", "-q", project.BundleFile("rootfs.tar.zst")]);
        Assert.True(test.ExitCode == 0, test.All);

        var unpacked = Path.Combine(project.Directory, "from-zstd");
        Directory.CreateDirectory(Path.Combine(unpacked, "rootfs"));
        File.Copy(project.BundleFile("config.json"), Path.Combine(unpacked, "config.json"));
        var tar = ProcessResult.Run("tar", ["--zstd", "-xpf", project.BundleFile("rootfs.tar.zst"), "-C", Path.Combine(unpacked, "rootfs"), "--numeric-owner"]);
        Assert.True(tar.ExitCode == 0, tar.All);
        Assert.True(File.Exists(Path.Combine(unpacked, "rootfs", "bin", "busybox")));

        if (Runc.Usable(output))
        {
            var run = Runc.Run(unpacked);
            Assert.True(run.ExitCode == 0, run.All);
            Assert.Contains("arg=two words", run.StdOut);
            Assert.Contains("hostname=as-zstd", run.StdOut);
        }
    }

    [Fact]
    public void The_single_file_archive_unpacks_into_a_bundle_that_runs()
    {
        var project = Projects.CreateShow(feed, "archived", "<OciBundleArchivePath>$(MSBuildProjectDirectory)/artifacts/archived.bundle.tar.gz</OciBundleArchivePath>");
        var build = project.BuildSucceeds();
        var archive = Path.Combine(project.Directory, "artifacts", "archived.bundle.tar.gz");
        Assert.True(File.Exists(archive), build.StdOut);

        var unpacked = Path.Combine(project.Directory, "from-archive");
        Directory.CreateDirectory(unpacked);
        var tar = ProcessResult.Run("tar", ["-xzpf", archive, "-C", unpacked, "--numeric-owner"]);
        Assert.True(tar.ExitCode == 0, tar.All);
        Assert.True(File.Exists(Path.Combine(unpacked, "config.json")));
        Assert.True(File.Exists(Path.Combine(unpacked, "rootfs", "bin", "busybox")));

        if (Runc.Usable(output))
        {
            var run = Runc.Run(unpacked);
            Assert.True(run.ExitCode == 0, run.All);
            Assert.Contains("hostname=archived", run.StdOut);
        }
    }

    [Fact]
    public void The_package_also_works_as_a_PackageReference()
    {
        var project = feed.CreateProject("as-package-reference", $"""
            <Project Sdk="Microsoft.Build.NoTargets/3.7.0">
              <PropertyGroup>
                <TargetFramework>net8.0</TargetFramework>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="OciBundle.Sdk" Version="{"{Version}"}" PrivateAssets="all" />
                <OciRootfsFile Include="{Projects.Busybox}" TargetPath="/bin/busybox" />
                <OciEntrypoint Include="/bin/busybox" />
                <OciArgs Include="echo;from a package reference" />
              </ItemGroup>
            </Project>
            """);
        project.BuildSucceeds();
        Assert.True(File.Exists(project.BundleFile("rootfs.tar.gz")));

        if (Runc.Usable(output))
        {
            var run = Runc.Run(Runc.Unpack(project.BundleDirectory));
            Assert.True(run.ExitCode == 0, run.All);
            Assert.Equal("from a package reference", run.StdOut.Trim());
        }
    }

    [Fact]
    public void A_base_rootfs_archive_is_the_starting_point()
    {
        var project = feed.CreateProject("from-base", """
            <Project Sdk="Microsoft.Build.NoTargets/3.7.0">
              <Sdk Name="OciBundle.Sdk" Version="{Version}" />
              <PropertyGroup>
                <TargetFramework>net8.0</TargetFramework>
                <OciBaseRootfs>base.tar.gz</OciBaseRootfs>
              </PropertyGroup>
              <ItemGroup>
                <OciRootfsFile Include="motd" TargetPath="/etc/motd" />
                <OciEntrypoint Include="/bin/sh" />
                <OciArgs Include="-c" />
                <OciArgs Include="cat /etc/motd /etc/base-release" />
              </ItemGroup>
            </Project>
            """, ("motd", "from the project\n", false));
        var staging = Path.Combine(project.Directory, "base");
        Directory.CreateDirectory(Path.Combine(staging, "bin"));
        Directory.CreateDirectory(Path.Combine(staging, "etc"));
        File.Copy(Projects.Busybox, Path.Combine(staging, "bin", "busybox"));
        File.CreateSymbolicLink(Path.Combine(staging, "bin", "sh"), "busybox");
        File.CreateSymbolicLink(Path.Combine(staging, "bin", "cat"), "busybox");
        File.WriteAllText(Path.Combine(staging, "etc", "base-release"), "from the base\n");
        File.WriteAllText(Path.Combine(staging, "etc", "motd"), "replaced\n");
        var tar = ProcessResult.Run("tar", ["-czf", "base.tar.gz", "-C", staging, "."], project.Directory);
        Assert.True(tar.ExitCode == 0, tar.All);
        Directory.Delete(staging, recursive: true);

        project.BuildSucceeds();
        if (Runc.Usable(output))
        {
            var run = Runc.Run(Runc.Unpack(project.BundleDirectory));
            Assert.True(run.ExitCode == 0, run.All);
            Assert.Equal("from the project\nfrom the base\n", run.StdOut);
        }
    }

    [Fact]
    public void Default_items_can_be_removed_and_the_target_returns_its_outputs()
    {
        var project = Projects.CreateShow(
            feed,
            "defaults",
            "<OciEnableDefaultMaskedPathItems>false</OciEnableDefaultMaskedPathItems>",
            """
            <OciCapability Remove="CAP_NET_RAW" />
            <OciNamespace Remove="network" />
            <OciMount Remove="/dev/mqueue" />
            </ItemGroup>
            <Target Name="PrintOciOutputs" AfterTargets="GenerateOciBundle">
              <Message Importance="high" Text="output %(OciBundleOutput.Kind) %(OciBundleOutput.Sha256) %(OciBundleOutput.Identity)" />
              <Message Importance="high" Text="directory $(OciBundleDirectory)" />
            </Target>
            <ItemGroup>
            """);
        var build = project.BuildSucceeds();

        using var config = JsonDocument.Parse(File.ReadAllText(project.BundleFile("config.json")));
        var root = config.RootElement;
        var bounding = root.GetProperty("process").GetProperty("capabilities").GetProperty("bounding").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Equal(13, bounding.Count);
        Assert.DoesNotContain("CAP_NET_RAW", bounding);
        var linux = root.GetProperty("linux");
        Assert.False(linux.TryGetProperty("maskedPaths", out _));
        Assert.Equal(5, linux.GetProperty("readonlyPaths").GetArrayLength());
        Assert.Equal(["pid", "ipc", "uts", "mount"], linux.GetProperty("namespaces").EnumerateArray().Select(n => n.GetProperty("type").GetString()));
        Assert.DoesNotContain("/dev/mqueue", root.GetProperty("mounts").EnumerateArray().Select(m => m.GetProperty("destination").GetString()));

        var sums = File.ReadAllLines(project.BundleFile("SHA256SUMS")).ToDictionary(l => l.Split("  ")[1], l => l.Split("  ")[0]);
        Assert.Contains($"output Config {sums["config.json"]} {project.BundleFile("config.json")}", build.StdOut);
        Assert.Contains($"output Rootfs {sums["rootfs.tar.gz"]} {project.BundleFile("rootfs.tar.gz")}", build.StdOut);
        Assert.Contains($"output Checksums ", build.StdOut);
        Assert.Contains($"directory {project.BundleDirectory}", build.StdOut);

        if (Runc.Usable(output))
        {
            // runc takes the bundle as it is, without a network namespace of its own.
            var run = Runc.Run(Runc.Unpack(project.BundleDirectory));
            Assert.True(run.ExitCode == 0, run.All);
        }
    }

    private static List<DateTime> Stamps(TestProject project) =>
        new[] { "config.json", "rootfs.tar.gz", "SHA256SUMS" }.Select(n => File.GetLastWriteTimeUtc(project.BundleFile(n))).ToList();
}
