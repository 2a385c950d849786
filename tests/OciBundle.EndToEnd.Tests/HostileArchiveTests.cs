using System.IO.Compression;
using System.Text;
using OciBundle.Tests.Rootfs;

namespace OciBundle.EndToEnd.Tests;

/// <summary>
/// Issue 10's hostile base archives, end to end: a good bundle is built, then OciBaseRootfs is
/// pointed at a damaged or hostile archive and the project built again. The build fails with the
/// class's code, prints no exception, and leaves the good bundle byte for byte.
/// </summary>
[Collection(SdkFeedCollection.Name)]
public sealed class HostileArchiveTests(SdkFeed feed)
{
    public static TheoryData<string, string, string> Hostile => new()
    {
        // Class 1: numbers in headers.
        { "pax-uid-overflow", "OCIB3005", "uid=99999999999999999999" },
        { "pax-size-overflow", "OCIB3005", "size=99999999999999999999" },
        { "pax-uid-negative", "OCIB3005", "uid=-5" },

        // Class 2: never cut short.
        { "bad-checksum-in-the-middle", "OCIB3005", "bad checksum" },
        { "pax-header-of-8-gib", "OCIB3005", "8589934592 bytes long" },
        { "gnu-long-name-of-8-gib", "OCIB3005", "8589934592 bytes long" },
        { "one-bad-header", "OCIB3005", "bad checksum" },

        // Class 3: names that are not UTF-8.
        { "non-utf8-names", "OCIB3024", "caf\\xe9" },

        // Class 4: a gzip bomb against OciBaseRootfsMaxSize.
        { "gzip-bomb", "OCIB3023", "'zeros'" },
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public void A_hostile_base_archive_fails_with_its_code_and_leaves_the_previous_bundle(string name, string code, string detail)
    {
        var good = Good("hostile-" + name) with
        {
            Setup = dir =>
            {
                TarFiles.Write(Path.Combine(dir, "good.tar.gz"), TarFiles.Folder("etc/"), TarFiles.Text("etc/os-release", "ID=test\n"));
                WriteHostile(name, dir);
            },
        };
        var project = good.Create(feed);
        BuildLog.AssertNoCrash(project.BuildSucceeds());
        var before = InvalidProjectRebuildTests.Snapshot(project.BundleDirectory);

        var hostileFile = name == "gzip-bomb" ? "hostile.tar.gz" : "hostile.tar";
        var maxSize = name == "gzip-bomb" ? "<OciBaseRootfsMaxSize>1Mi</OciBaseRootfsMaxSize>" : "";
        Rewrite(project, good with { Properties = $"<OciBaseRootfs>{hostileFile}</OciBaseRootfs>{maxSize}" });
        var failed = project.Build();

        var line = AssertFailedWith(failed, code);
        Assert.Contains(detail, line, StringComparison.Ordinal);
        Assert.Equal(before, InvalidProjectRebuildTests.Snapshot(project.BundleDirectory));
    }

    [Fact]
    public void A_full_disk_while_spooling_the_base_archive_is_a_write_failure_and_leaves_the_previous_bundle()
    {
        var good = Good("hostile-full-disk") with
        {
            Setup = dir =>
            {
                TarFiles.Write(Path.Combine(dir, "good.tar.gz"), TarFiles.Folder("etc/"), TarFiles.Text("etc/os-release", "ID=test\n"));
                WriteZeros(Path.Combine(dir, "large.tar.gz"), 32L << 20); // 32 MiB of file data, below the default cap
            },
        };
        var project = good.Create(feed);
        var mount = Path.Combine(project.Directory, "small-disk");
        Directory.CreateDirectory(mount);
        var mounted = ProcessResult.Run("mount", ["-t", "tmpfs", "-o", "size=8m", "tmpfs", mount]);
        Assert.True(mounted.ExitCode == 0, "mount failed (the test needs root):\n" + mounted.All);
        try
        {
            var output = Path.Combine(mount, "bundle");
            var onSmallDisk = good with { Properties = good.Properties + $"<OciBundleOutputPath>{output}/</OciBundleOutputPath>" };
            Rewrite(project, onSmallDisk);
            BuildLog.AssertNoCrash(project.BuildSucceeds());
            var before = InvalidProjectRebuildTests.Snapshot(output);

            Rewrite(project, onSmallDisk with { Properties = onSmallDisk.Properties.Replace("good.tar.gz", "large.tar.gz", StringComparison.Ordinal) });
            var failed = project.Build();

            var line = AssertFailedWith(failed, "OCIB5002");
            Assert.Contains("No space left on device", line, StringComparison.Ordinal);
            Assert.DoesNotContain("OCIB3004", failed.All, StringComparison.Ordinal);
            Assert.Equal(before, InvalidProjectRebuildTests.Snapshot(output));
        }
        finally
        {
            ProcessResult.Run("umount", [mount]);
        }
    }

    [Fact]
    public void An_invalid_OciBaseRootfsMaxSize_is_OCIB1080_at_its_element()
    {
        var invalid = new InvalidProject("1080-base-max-size", "OCIB1080")
        {
            Properties = "<OciBaseRootfs>base.tar</OciBaseRootfs>\n<OciBaseRootfsMaxSize>4GB</OciBaseRootfsMaxSize>",
            Needle = "<OciBaseRootfsMaxSize>",
            Setup = dir => TarFiles.Write(Path.Combine(dir, "base.tar"), TarFiles.Folder("etc/")),
        };
        var project = invalid.Create(feed);

        var failed = project.Build();

        var line = AssertFailedWith(failed, "OCIB1080");
        Assert.StartsWith(invalid.ExpectedStart(project, "error"), line, StringComparison.Ordinal);
        Assert.False(Directory.Exists(project.BundleDirectory));
    }

    private static InvalidProject Good(string name) => new(name, "")
    {
        Properties = "<OciBaseRootfs>good.tar.gz</OciBaseRootfs>",
        Items = """<OciRootfsFile Include="hello.txt" TargetPath="/hello.txt" />""",
        Files = [("hello.txt", "hello\n")],
    };

    private static void WriteHostile(string name, string dir)
    {
        var tar = new RawTar().Header("etc/", '5').File("etc/os-release", "ID=test\n");
        var latin1 = (string s) => Encoding.Latin1.GetBytes(s);
        switch (name)
        {
            case "pax-uid-overflow":
                tar.Pax(("uid", "99999999999999999999")).File("etc/shadow");
                break;
            case "pax-size-overflow":
                tar.Pax(("size", "99999999999999999999")).File("etc/shadow");
                break;
            case "pax-uid-negative":
                tar.Pax(("uid", "-5")).File("etc/shadow");
                break;
            case "bad-checksum-in-the-middle":
                tar.Header("etc/b", '0', checksum: "000001").File("etc/c");
                break;
            case "pax-header-of-8-gib":
                tar.Header("PaxHeaders/big", 'x', 8L << 30).Data(new byte[4096]);
                break;
            case "gnu-long-name-of-8-gib":
                tar.Header("././@LongLink", 'L', 8L << 30).Data(new byte[4096]);
                break;
            case "one-bad-header":
                tar = new RawTar().Header("etc/os-release", '0', checksum: "000001");
                break;
            case "non-utf8-names":
                tar.File(latin1("etc/caf\u00e9"), "1"u8.ToArray()).File(latin1("etc/caf\u00e8"), "2"u8.ToArray()).File([0xFF, 0xFE], "3"u8.ToArray());
                break;
            case "gzip-bomb":
                WriteZeros(Path.Combine(dir, "hostile.tar.gz"), 64L << 20);
                return;
            default:
                throw new ArgumentException(name);
        }

        File.WriteAllBytes(Path.Combine(dir, "hostile.tar"), tar.End().ToArray());
    }

    /// <summary>A .tar.gz of well under 1 MiB holding one file, 'zeros', of <paramref name="size"/> zero bytes.</summary>
    private static void WriteZeros(string path, long size)
    {
        using var file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.SmallestSize);
        gzip.Write(new RawTar().Header("zeros", '0', size).ToArray());
        var zeros = new byte[1 << 20];
        for (var left = size; left > 0; left -= zeros.Length)
        {
            gzip.Write(zeros, 0, (int)Math.Min(left, zeros.Length));
        }

        gzip.Write(new byte[1024 + ((512 - (size % 512)) % 512)]);
    }

    private void Rewrite(TestProject project, InvalidProject changed) =>
        File.WriteAllText(project.ProjectFile, changed.ProjectXml().Replace("{Version}", feed.Version, StringComparison.Ordinal));

    /// <summary>The one error line with <paramref name="code"/>; the build failed and showed no crash.</summary>
    private static string AssertFailedWith(ProcessResult result, string code)
    {
        Assert.True(result.ExitCode != 0, $"the build succeeded:\n{result.All}");
        BuildLog.AssertNoCrash(result);
        var lines = BuildLog.Lines(result, "error", code);
        Assert.True(lines.Count == 1, $"expected one 'error {code}:' in:\n{result.All}");
        return lines[0];
    }
}
