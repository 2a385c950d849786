using System.Formats.Tar;
using System.Runtime.Versioning;
using OciBundle.Diagnostics;
using OciBundle.Output;
using OciBundle.Request;
using OciBundle.Rootfs;
using OciBundle.Settings;
using OciBundle.Tests.Building;
using OciBundle.Tests.Support;

namespace OciBundle.Tests.Output;

/// <summary>The whole generator in-process: outputs, formats, staging, failures and the up-to-date check.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class BundleGeneratorTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly List<Diagnostic> _reported = [];

    public void Dispose() => _temp.Dispose();

    private static readonly string HostShell = new FileInfo("/bin/sh").ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? "/bin/sh";

    private string Output => _temp.Combine("out", "oci-bundle");

    private BundleRequest Request(params (string Name, string Value)[] properties)
    {
        if (!File.Exists(_temp.Combine("hello.sh")))
        {
            File.WriteAllText(_temp.Combine("hello.sh"), "#!/bin/sh\necho hello\n");
            File.SetUnixFileMode(_temp.Combine("hello.sh"), (UnixFileMode)0b111_101_101);
        }

        var request = RequestBuilder.Defaults()
            .With(SurfaceNames.BundleOutputPath, Output)
            .With(BundleOptions.StampFileProperty, _temp.Combine("obj", "oci-bundle.stamp"))
            .WithItem(SurfaceNames.RootfsFile, "hello.sh", ("FullPath", _temp.Combine("hello.sh")), ("TargetPath", "/usr/bin/hello"))
            .WithItem(SurfaceNames.RootfsFile, "sh", ("FullPath", HostShell), ("TargetPath", "/bin/sh")); // the entrypoint, a real program of this host's architecture
        foreach (var (name, value) in properties)
        {
            request.With(name, value);
        }

        return request;
    }

    private BundleResult Generate(BundleRequest request)
    {
        var result = BundleGenerator.Generate(request, _reported.Add);
        Assert.True(result is not null, string.Join("\n", _reported));
        return result;
    }

    private static List<string> TarNames(Stream stream)
    {
        using var reader = new TarReader(stream);
        var names = new List<string>();
        while (reader.GetNextEntry() is { } entry)
        {
            names.Add(entry.Name);
        }

        return names;
    }

    [Fact]
    public void Writes_config_rootfs_and_sums_and_returns_them_as_outputs()
    {
        var result = Generate(Request());

        Assert.Equal(Output, result.BundleDirectory);
        Assert.Equal(["Rootfs", "Config", "Sbom", "Checksums"], result.Outputs.Select(o => o.Kind));
        Assert.All(result.Outputs, o => Assert.True(File.Exists(o.Path)));
        Assert.Equal([".oci-bundle-outputs", "SHA256SUMS", "config.json", "rootfs.tar.gz", "sbom.spdx.json"], Directory.GetFileSystemEntries(Output).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        var sums = File.ReadAllText(Path.Combine(Output, "SHA256SUMS"));
        var rootfs = result.Outputs.Single(o => o.Kind == "Rootfs");
        Assert.Contains($"{rootfs.Sha256}  rootfs.tar.gz\n", sums);
        Assert.Equal(new FileInfo(rootfs.Path).Length, rootfs.Size);
        ProcessRunner.Run("sh", "-c", "cd \"$1\" && sha256sum -c --strict SHA256SUMS", "sh", Output).EnsureSuccess();
    }

    [Fact]
    public void The_rootfs_holds_the_mount_points_of_the_filesystem_mounts()
    {
        Generate(Request(("OciRootfsFormat", "tar")));
        using var stream = File.OpenRead(Path.Combine(Output, "rootfs.tar"));
        var names = TarNames(stream);
        Assert.Equal(["bin/", "bin/sh", "dev/", "proc/", "sys/", "usr/", "usr/bin/", "usr/bin/hello"], names);
    }

    [Fact]
    public void Switching_format_replaces_the_old_rootfs_and_keeps_foreign_files()
    {
        Generate(Request());
        File.WriteAllText(Path.Combine(Output, "notes.txt"), "mine");
        Generate(Request(("OciRootfsFormat", "directory")));

        Assert.False(File.Exists(Path.Combine(Output, "rootfs.tar.gz")));
        Assert.True(File.Exists(Path.Combine(Output, "rootfs", "usr", "bin", "hello")));
        Assert.Equal("mine", File.ReadAllText(Path.Combine(Output, "notes.txt")));
        Assert.Contains("  rootfs/usr/bin/hello\n", File.ReadAllText(Path.Combine(Output, "SHA256SUMS")));
    }

    /// <summary>OciRootfsFormat=tar.zst: one zstd frame (with a checksum) of the same tar as rootfs.tar, listed in SHA256SUMS; a switch back removes it.</summary>
    [Fact]
    public void A_tar_zst_rootfs_is_the_tar_in_zstd_and_a_switch_removes_it()
    {
        Generate(Request(("OciRootfsFormat", "tar")));
        var tar = File.ReadAllBytes(Path.Combine(Output, "rootfs.tar"));
        var result = Generate(Request(("OciRootfsFormat", "tar.zst")));

        var zst = File.ReadAllBytes(Path.Combine(Output, "rootfs.tar.zst"));
        Assert.Equal([0x28, 0xb5, 0x2f, 0xfd], zst[..4]);
        using (var decompressed = new MemoryStream())
        {
            using (var zstd = new ZstdSharp.DecompressionStream(new MemoryStream(zst)))
            {
                zstd.CopyTo(decompressed);
            }

            Assert.Equal(tar, decompressed.ToArray());
        }

        Assert.False(File.Exists(Path.Combine(Output, "rootfs.tar")));
        var rootfs = result.Outputs.Single(o => o.Kind == "Rootfs");
        Assert.Contains($"{rootfs.Sha256}  rootfs.tar.zst\n", File.ReadAllText(Path.Combine(Output, "SHA256SUMS")));

        Generate(Request());
        Assert.False(File.Exists(Path.Combine(Output, "rootfs.tar.zst")));
        Assert.True(File.Exists(Path.Combine(Output, "rootfs.tar.gz")));
    }

    [Fact]
    public void The_archive_holds_config_and_rootfs_folder()
    {
        var archive = _temp.Combine("dist", "app.bundle.tar.gz");
        var result = Generate(Request(("OciBundleArchivePath", archive)));

        Assert.Equal(archive, result.Outputs.Single(o => o.Kind == "BundleArchive").Path);
        using var file = File.OpenRead(archive);
        using var gzip = new System.IO.Compression.GZipStream(file, System.IO.Compression.CompressionMode.Decompress);
        var names = TarNames(gzip);
        Assert.Equal("config.json", names[0]);
        Assert.Equal("rootfs/", names[1]);
        Assert.Contains("rootfs/usr/bin/hello", names);
    }

    [Fact]
    public void An_archive_path_inside_the_bundle_folder_is_OCIB5003()
    {
        Assert.Null(BundleGenerator.Generate(Request(("OciBundleArchivePath", Path.Combine(Output, "b.tar.gz"))), _reported.Add));
        Assert.Equal("OCIB5003", Assert.Single(_reported).Code);
    }

    [Fact]
    public void Nothing_changed_means_nothing_written()
    {
        var first = Generate(Request());
        var times = first.Outputs.Select(o => File.GetLastWriteTimeUtc(o.Path)).ToList();
        Thread.Sleep(20);

        var second = Generate(Request());
        Assert.True(second.UpToDate);
        Assert.Equal(times, second.Outputs.Select(o => File.GetLastWriteTimeUtc(o.Path)));
        Assert.Equal(first.Outputs.Select(o => o.Sha256), second.Outputs.Select(o => o.Sha256));
    }

    [Theory]
    [InlineData("property")]
    [InlineData("file")]
    [InlineData("deleted output")]
    public void Any_changed_input_or_missing_output_writes_again(string change)
    {
        Generate(Request());
        var request = Request();
        switch (change)
        {
            case "property":
                request.With(SurfaceNames.Hostname, "other");
                break;
            case "file":
                File.AppendAllText(_temp.Combine("hello.sh"), "echo again\n");
                break;
            default:
                File.Delete(Path.Combine(Output, "rootfs.tar.gz"));
                break;
        }

        Assert.False(Generate(request).UpToDate);
        Assert.True(File.Exists(Path.Combine(Output, "rootfs.tar.gz")));
    }

    /// <summary>
    /// The SDK's publish rewrites deps.json and runtimeconfig.json on every run with the same
    /// bytes: published files count by content, so a new write time alone is no change, and new
    /// bytes of the same size are one.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_published_file_counts_by_its_content_not_its_write_time(bool newContent)
    {
        var published = _temp.Combine("publish", "hello.deps.json");
        Directory.CreateDirectory(Path.GetDirectoryName(published)!);
        File.WriteAllText(published, "{ \"a\": 1 }");
        BundleRequest WithPublish() => Request()
            .With(SurfaceNames.IncludePublishOutput, "true")
            .With(PublishOutput.AssemblyNameProperty, "hello")
            .With(PublishOutput.TargetFileNameProperty, "hello.dll")
            .WithItem(PublishOutput.FileItemType, published, ("RelativePath", "hello.deps.json"));
        var first = Generate(WithPublish());
        Assert.False(first.UpToDate);

        File.WriteAllText(published, newContent ? "{ \"a\": 2 }" : "{ \"a\": 1 }");
        File.SetLastWriteTimeUtc(published, DateTime.UtcNow.AddMinutes(1));
        Assert.Equal(!newContent, Generate(WithPublish()).UpToDate);
    }

    [Fact]
    public void A_failed_build_leaves_no_bundle_folder_and_no_staging()
    {
        var request = Request(("OciBaseRootfs", _temp.Combine("bad.tar")));
        using (var tar = File.Create(_temp.Combine("bad.tar")))
        using (var writer = new TarWriter(tar, TarEntryFormat.Gnu))
        {
            writer.WriteEntry(new GnuTarEntry(TarEntryType.RegularFile, "../escape") { DataStream = new MemoryStream([1]) });
        }

        Assert.Null(BundleGenerator.Generate(request, _reported.Add));
        Assert.Equal("OCIB3003", Assert.Single(_reported).Code);
        Assert.False(Directory.Exists(Output));
        Assert.True(Directory.Exists(_temp.Combine("out")) is false || !Directory.EnumerateFileSystemEntries(_temp.Combine("out")).Any());
    }

    [Fact]
    public void A_failed_build_leaves_an_older_good_bundle_untouched()
    {
        Generate(Request());
        var before = Directory.GetFiles(Output).ToDictionary(f => f, File.ReadAllBytes);

        File.WriteAllText(_temp.Combine("bad.tar.gz"), "not gzip at all");
        Assert.Null(BundleGenerator.Generate(Request(("OciBaseRootfs", _temp.Combine("bad.tar.gz"))), _reported.Add));
        Assert.Equal("OCIB3005", Assert.Single(_reported, d => d.Severity != DiagnosticSeverity.Detail).Code);

        Assert.Equal(before.Keys.Order(), Directory.GetFileSystemEntries(Output).Order());
        Assert.All(before, pair => Assert.Equal(pair.Value, File.ReadAllBytes(pair.Key)));
    }

    [Fact]
    public void Invalid_requests_report_every_problem_and_write_nothing()
    {
        var request = Request(("OciWorkingDirectory", "rel"), ("OciRootfsFormat", "zip"), ("OciSourceDateEpoch", "yesterday"))
            .WithItem(SurfaceNames.RootfsFile, "x", ("FullPath", _temp.Combine("x")), ("TargetPath", "/x"));
        Assert.Null(BundleGenerator.Generate(request, _reported.Add));
        Assert.Equal(["OCIB1002", "OCIB1007", "OCIB1009", "OCIB3006"], _reported.Select(d => d.Code).Order());
        Assert.False(Directory.Exists(Output));
    }

    [Theory]
    [InlineData("Fastest")]
    [InlineData("SmallestSize")]
    [InlineData("optimal")]
    public void Compression_levels_are_accepted(string level)
    {
        Generate(Request(("OciRootfsCompressionLevel", level)));
        ProcessRunner.Run("gzip", "-t", Path.Combine(Output, "rootfs.tar.gz")).EnsureSuccess();
    }

    [Fact]
    public void An_unknown_compression_level_is_OCIB1008()
    {
        Assert.Null(BundleGenerator.Generate(Request(("OciRootfsCompressionLevel", "NoCompression")), _reported.Add));
        Assert.Equal("OCIB1008", Assert.Single(_reported).Code);
    }

    [Fact]
    public void The_source_date_epoch_is_every_entry_mtime()
    {
        Generate(Request(("OciRootfsFormat", "tar"), ("OciSourceDateEpoch", "1700000000")));
        using var stream = File.OpenRead(Path.Combine(Output, "rootfs.tar"));
        using var reader = new TarReader(stream);
        while (reader.GetNextEntry() is { } entry)
        {
            Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1700000000), entry.ModificationTime);
            Assert.Equal(0, entry.Uid);
        }
    }
}
