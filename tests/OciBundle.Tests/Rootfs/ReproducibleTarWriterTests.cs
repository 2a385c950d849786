using System.Formats.Tar;
using System.Runtime.Versioning;
using OciBundle.Diagnostics;
using OciBundle.Rootfs;
using OciBundle.Tests.Support;

namespace OciBundle.Tests.Rootfs;

[UnsupportedOSPlatform("windows")] // Unix modes and links; the tests run where the bundles run
public class ReproducibleTarWriterTests
{
    private const long Mtime = 1_700_000_000; // 2023-11-14 22:13:20 UTC

    [Fact]
    public void Host_tree_survives_a_round_trip_through_gnu_tar()
    {
        using var temp = new TempDirectory();
        var source = temp.Combine("source");
        SampleHostTree.Create(source);
        var tar = temp.Combine("rootfs.tar");
        WriteTar(ReadHost(source), tar, "");

        var extracted = temp.Combine("extracted");
        Directory.CreateDirectory(extracted);
        ProcessRunner.Run("tar", "-xpf", tar, "--numeric-owner", "-C", extracted).EnsureSuccess();

        FolderComparer.AssertSame(source, extracted);
        var a = FolderComparer.Stat(Path.Combine(extracted, SampleHostTree.HardLinkA));
        var b = FolderComparer.Stat(Path.Combine(extracted, SampleHostTree.HardLinkB));
        Assert.Equal(a[1], b[1]); // same inode
        Assert.Equal(Mtime.ToString(System.Globalization.CultureInfo.InvariantCulture), a[2]);
    }

    [Fact]
    public void Listing_shows_root_owner_fixed_mtime_and_one_hard_link()
    {
        using var temp = new TempDirectory();
        var source = temp.Combine("source");
        SampleHostTree.Create(source);
        // The host owner must not leak (only plain entries: chown clears setuid bits).
        ProcessRunner.Run("chown", "-h", "1234:5678", Path.Combine(source, "bin/tool"), Path.Combine(source, "empty"), Path.Combine(source, "lib")).EnsureSuccess();
        var tar = temp.Combine("rootfs.tar");
        WriteTar(ReadHost(source), tar, "rootfs/");

        var lines = ProcessRunner.Run("tar", "--utc", "--full-time", "--numeric-owner", "-tvf", tar).EnsureSuccess()
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.NotEmpty(lines);
        Assert.All(lines, line =>
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal("0/0", fields[1]);
            Assert.Equal("2023-11-14", fields[3]);
            Assert.Equal("22:13:20", fields[4]);
            Assert.StartsWith("rootfs/", fields[5], StringComparison.Ordinal);
        });
        Assert.Contains(lines, l => l.StartsWith("-rwsr-xr-x", StringComparison.Ordinal) && l.EndsWith("rootfs/usr/bin/suid", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("drwxrwxrwt", StringComparison.Ordinal) && l.EndsWith("rootfs/tmp/", StringComparison.Ordinal));
        var hardLink = Assert.Single(lines, l => l.StartsWith('h'));
        // hardlink.txt sorts before original.txt, so it carries the bytes and original.txt links to it.
        Assert.EndsWith($"rootfs/{SampleHostTree.HardLinkA} link to rootfs/{SampleHostTree.HardLinkB}", hardLink);
    }

    [Fact]
    public void Writing_twice_gives_identical_bytes_plain_and_gzipped()
    {
        using var temp = new TempDirectory();
        var source = temp.Combine("source");
        SampleHostTree.Create(source);

        var first = Write(ReadHost(source), gzip: false);
        var firstGz = Write(ReadHost(source), gzip: true);
        Thread.Sleep(1100); // a writer that leaked the clock would now differ
        File.SetLastWriteTimeUtc(Path.Combine(source, "bin/tool"), DateTime.UtcNow);
        var second = Write(ReadHost(source), gzip: false);
        var secondGz = Write(ReadHost(source), gzip: true);

        Assert.Equal(first, second);
        Assert.Equal(firstGz, secondGz);
        Assert.Equal(0x1f, firstGz[0]);
        Assert.Equal(0x8b, firstGz[1]);
        Assert.Equal(new byte[4], firstGz[4..8]); // header mtime 0
        Assert.Equal(3, firstGz[9]); // OS: Unix

        var gz = temp.Combine("rootfs.tar.gz");
        File.WriteAllBytes(gz, firstGz);
        ProcessRunner.Run("gzip", "-d", gz).EnsureSuccess();
        Assert.Equal(first, File.ReadAllBytes(temp.Combine("rootfs.tar")));
    }

    [Fact]
    public void Headers_carry_no_access_or_change_time_and_no_owner_names()
    {
        using var output = new MemoryStream();
        using (var writer = new ReproducibleTarWriter(output, Mtime, leaveOpen: true))
        {
            writer.WriteFile("config.json", "{}"u8, 0b110_100_100);
        }

        var header = output.ToArray().AsSpan(0, 512);
        Assert.True(header[345..369].IndexOfAnyExcept((byte)0) < 0, "GNU atime/ctime fields are not empty");
        Assert.True(header[265..329].IndexOfAnyExcept((byte)0) < 0, "user/group names are not empty");

        output.Position = 0;
        using var reader = new TarReader(output);
        var entry = Assert.IsType<GnuTarEntry>(reader.GetNextEntry());
        Assert.Equal("config.json", entry.Name);
        Assert.Equal(Mtime, entry.ModificationTime.ToUnixTimeSeconds());
        Assert.Equal(0, entry.Uid);
        Assert.Equal(2, entry.Length);
    }

    [Fact]
    public void Hard_links_need_the_same_mode_and_owner()
    {
        using var temp = new TempDirectory();
        var file = temp.Combine("f");
        File.WriteAllText(file, "x");
        RootfsEntry Make(string path, int mode, int uid) => new()
        {
            Path = path,
            Type = RootfsEntryType.RegularFile,
            Mode = mode,
            Uid = uid,
            SourcePath = file,
            Size = 1,
            HardLinkKey = "k",
        };
        var entries = new[] { Make("a", 0b110_100_100, 0), Make("b", 0b110_100_100, 0), Make("c", 0b111_101_101, 0), Make("d", 0b110_100_100, 7) };

        var types = ReadBack(WriteToBytes(entries)).Select(e => (e.Name, e.EntryType, e.LinkName)).ToList();
        Assert.Equal(
            [("a", TarEntryType.RegularFile, ""), ("b", TarEntryType.HardLink, "a"), ("c", TarEntryType.RegularFile, ""), ("d", TarEntryType.RegularFile, "")],
            types);
    }

    [Fact]
    public void A_file_that_changed_size_is_refused()
    {
        using var temp = new TempDirectory();
        var file = temp.Combine("f");
        File.WriteAllText(file, "grown since it was listed");
        RootfsEntry[] entries = [new() { Path = "f", Type = RootfsEntryType.RegularFile, Mode = 0b110_100_100, SourcePath = file, Size = 5, Origin = "test" }];

        var e = Assert.Throws<OciBundleException>(() => WriteToBytes(entries));
        Assert.Equal("OCIB3004", e.Diagnostic.Code);

        File.WriteAllText(file, "ab");
        e = Assert.Throws<OciBundleException>(() => WriteToBytes(entries));
        Assert.Equal("OCIB3004", e.Diagnostic.Code);
    }

    private static IReadOnlyList<RootfsEntry> ReadHost(string source)
    {
        var tree = new RootfsTree();
        HostDirectoryReader.AddDirectory(tree, source, "", "test");
        return tree.Sorted();
    }

    private static void WriteTar(IReadOnlyList<RootfsEntry> entries, string path, string prefix)
    {
        using var file = File.Create(path);
        using var writer = new ReproducibleTarWriter(file, Mtime);
        if (prefix.Length > 0)
        {
            writer.WriteDirectory(prefix, 0b111_101_101);
        }

        writer.WriteTree(entries, prefix);
    }

    private static byte[] Write(IReadOnlyList<RootfsEntry> entries, bool gzip)
    {
        using var output = new MemoryStream();
        using (var stream = gzip ? ReproducibleGzip.Create(output, System.IO.Compression.CompressionLevel.Optimal, leaveOpen: true) : output)
        using (var writer = new ReproducibleTarWriter(stream, Mtime, leaveOpen: true))
        {
            writer.WriteTree(entries, "");
        }

        return output.ToArray();
    }

    private static byte[] WriteToBytes(IReadOnlyList<RootfsEntry> entries) => Write(entries, gzip: false);

    private static List<TarEntry> ReadBack(byte[] tar)
    {
        using var reader = new TarReader(new MemoryStream(tar));
        var result = new List<TarEntry>();
        while (reader.GetNextEntry() is { } entry)
        {
            result.Add(entry);
        }

        return result;
    }
}
