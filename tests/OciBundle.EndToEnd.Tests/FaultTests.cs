using System.Formats.Tar;
using System.IO.Compression;

namespace OciBundle.EndToEnd.Tests;

/// <summary>
/// Faults a real build meets on a real file system (issue 10): a folder it may not list as a
/// non-root user, a full file system under the archive, a folder of the user's own files, links
/// matched by a glob. The invalid values and special input files are rows of InvalidProjectCases
/// ("-fault-"); the unit twins are OciBundle.Tests/Output/FaultTests.cs.
/// </summary>
[Collection(SdkFeedCollection.Name)]
public sealed class FaultTests(SdkFeed feed)
{
    private static string Minimal(string properties = "", string items = "") => $"""
        <Project Sdk="Microsoft.Build.NoTargets/3.7.0">
          <Sdk Name="OciBundle.Sdk" Version="{"{Version}"}" />
          <PropertyGroup>
            <TargetFramework>net8.0</TargetFramework>
            {properties}
          </PropertyGroup>
          <ItemGroup>
            <OciRootfsFile Include="{Projects.Busybox}" TargetPath="/bin/busybox" Mode="0755" />
            <OciEntrypoint Include="/bin/busybox" />
            {items}
          </ItemGroup>
        </Project>
        """;

    private static Dictionary<string, byte[]> Snapshot(string folder) =>
        Directory.GetFiles(folder, "*", SearchOption.AllDirectories).ToDictionary(f => f, File.ReadAllBytes);

    private static void AssertSame(Dictionary<string, byte[]> before, string folder)
    {
        Assert.Equal(before.Keys.Order(StringComparer.Ordinal), Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal));
        Assert.All(before, pair => Assert.True(pair.Value.AsSpan().SequenceEqual(File.ReadAllBytes(pair.Key)), $"{pair.Key} changed"));
    }

    [Fact]
    public void A_base_folder_the_user_may_not_list_is_OCIB3004_naming_it()
    {
        var project = feed.CreateProject("fault-unlistable", Minimal("<OciBaseRootfs>base</OciBaseRootfs>"), ("base/etc/hostname", "base\n", false));
        var locked = Path.Combine(project.Directory, "base", "locked");
        Directory.CreateDirectory(locked);
        var restore = ProcessResult.Run("dotnet", ["restore", project.ProjectFile], project.Directory, feed.Environment());
        Assert.True(restore.ExitCode == 0, restore.All);
        ProcessResult.Run("chown", ["-R", "nobody", project.Directory]);
        File.SetUnixFileMode(locked, 0); // chmod 000: nobody cannot list it; root could

        var result = project.BuildAs("nobody", "--no-restore");

        Assert.True(result.ExitCode != 0, result.All);
        var errors = BuildLog.Lines(result, "error", "OCIB3004");
        Assert.True(errors.Count > 0, result.All);
        Assert.Contains(errors, e => e.Contains(locked, StringComparison.Ordinal));
        Assert.False(Directory.Exists(project.BundleDirectory));
    }

    [Fact]
    public void A_full_file_system_under_the_archive_leaves_the_previous_bundle_and_archive_byte_for_byte()
    {
        var project = feed.CreateProject(
            "fault-full-disk",
            Minimal("<OciBundleArchivePath>small/app.bundle.tar.gz</OciBundleArchivePath>", "<OciRootfsFile Include=\"$(Payload)\" TargetPath=\"/payload\" Condition=\"'$(Payload)' != ''\" />"));
        var small = Path.Combine(project.Directory, "small");
        Directory.CreateDirectory(small);
        var mount = ProcessResult.Run("mount", ["-t", "tmpfs", "-o", "size=4m", "tmpfs", small]);
        Assert.True(mount.ExitCode == 0, mount.All);
        try
        {
            project.BuildSucceeds();
            var archive = Path.Combine(small, "app.bundle.tar.gz");
            var bundleBefore = Snapshot(project.BundleDirectory);
            var archiveBefore = File.ReadAllBytes(archive);

            // 6 MiB that gzip cannot shrink: the new archive cannot fit beside the old one.
            var payload = Path.Combine(project.Directory, "payload.bin");
            File.WriteAllBytes(payload, System.Security.Cryptography.RandomNumberGenerator.GetBytes(6 << 20));
            var result = project.Build($"-p:Payload={payload}");

            Assert.True(result.ExitCode != 0, result.All);
            var errors = BuildLog.Lines(result, "error", "OCIB5002");
            Assert.True(errors.Count > 0, result.All);
            Assert.Contains(errors, e => e.Contains("Nothing was moved into place", StringComparison.Ordinal));
            AssertSame(bundleBefore, project.BundleDirectory);
            Assert.Equal(archiveBefore, File.ReadAllBytes(archive));
            Assert.Equal(["app.bundle.tar.gz"], Directory.GetFileSystemEntries(small).Select(Path.GetFileName));
            Assert.Empty(Directory.GetDirectories(project.BundleDirectory, ".oci-staging-*"));
        }
        finally
        {
            ProcessResult.Run("umount", [small]);
        }
    }

    [Fact]
    public void A_folder_of_the_users_own_files_is_OCIB5006_and_untouched()
    {
        var project = feed.CreateProject(
            "fault-foreign-folder",
            Minimal("<OciBundleOutputPath>mine/</OciBundleOutputPath><OciRootfsFormat>directory</OciRootfsFormat>"),
            ("mine/config.json", "{\"mine\": true}\n", false),
            ("mine/rootfs/data/precious.db", "precious\n", false));
        var mine = Path.Combine(project.Directory, "mine");
        var sums = ProcessResult.Run("sh", ["-c", "sha256sum config.json rootfs/data/precious.db > SHA256SUMS"], mine);
        Assert.True(sums.ExitCode == 0, sums.All);
        var before = Snapshot(mine);

        var result = project.Build();

        Assert.True(result.ExitCode != 0, result.All);
        Assert.True(BuildLog.Lines(result, "error", "OCIB5006").Count > 0, result.All);
        AssertSame(before, mine);
        Assert.Equal(["SHA256SUMS", "config.json", "rootfs"], Directory.GetFileSystemEntries(mine).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_relative_link_matched_by_a_glob_is_copied_as_the_file_it_names()
    {
        var project = feed.CreateProject(
            "fault-linked-item",
            Minimal(items: "<OciRootfsFile Include=\"files/*\" TargetPath=\"/files/\" />"),
            ("files/real.txt", "hello through a link\n", false));
        File.CreateSymbolicLink(Path.Combine(project.Directory, "files", "link.txt"), "real.txt");

        project.BuildSucceeds();

        using var gzip = new GZipStream(File.OpenRead(project.BundleFile("rootfs.tar.gz")), CompressionMode.Decompress);
        using var tar = new TarReader(gzip);
        var entries = new Dictionary<string, (TarEntryType Type, string Content)>();
        while (tar.GetNextEntry() is { } entry)
        {
            var content = entry.DataStream is { } data ? new StreamReader(data).ReadToEnd() : "";
            entries[entry.Name] = (entry.EntryType, content);
        }

        Assert.Equal((TarEntryType.RegularFile, "hello through a link\n"), entries["files/link.txt"]);
        Assert.Equal((TarEntryType.RegularFile, "hello through a link\n"), entries["files/real.txt"]);
    }
}
