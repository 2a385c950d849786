using System.Formats.Tar;
using System.Runtime.Versioning;
using OciBundle.Diagnostics;
using OciBundle.Rootfs;
using OciBundle.Tests.Support;

namespace OciBundle.Tests.Rootfs;

[UnsupportedOSPlatform("windows")] // Unix modes and links; the tests run where the bundles run
public class ArchiveReaderTests
{
    [Theory]
    [InlineData("base.tar", "-cf")]
    [InlineData("base.tar.gz", "-czf")]
    [InlineData("base.TGZ", "-czf")]
    [InlineData("base.tar.bz2", "-cjf")]
    [InlineData("posix.tar", "-cf", "--format=posix")]
    [InlineData("posix.tar.gz", "-czf", "--format=posix")]
    [InlineData("oldgnu.tar", "-cf", "--format=oldgnu")]
    public void Reads_gnu_tar_archives(string name, string createFlags, string format = "--format=gnu")
    {
        using var temp = new TempDirectory();
        var source = temp.Combine("source");
        SampleHostTree.Create(source);
        var archive = temp.Combine(name);
        ProcessRunner.Run("tar", format, createFlags, archive, "--owner=1234", "--group=5678", "--numeric-owner", "-C", source, ".").EnsureSuccess();
        var spool = temp.Combine("spool");
        var tree = new RootfsTree();

        ArchiveReader.AddArchive(tree, archive, spool, "OciBaseRootfs " + archive);

        var tool = Get(tree, "bin/tool");
        Assert.Equal((RootfsEntryType.RegularFile, 0b111_101_101, 1234, 5678), (tool.Type, tool.Mode, tool.Uid, tool.Gid));
        Assert.Equal(File.ReadAllBytes(Path.Combine(source, "bin/tool")), File.ReadAllBytes(tool.SourcePath!));
        Assert.Equal(new FileInfo(Path.Combine(source, "blob.bin")).Length, Get(tree, "blob.bin").Size);
        Assert.Equal(File.ReadAllBytes(Path.Combine(source, "blob.bin")), File.ReadAllBytes(Get(tree, "blob.bin").SourcePath!));
        Assert.Equal(0b100_111_101_101, Get(tree, "usr/bin/suid").Mode);
        Assert.Equal("usr/lib", Get(tree, "lib").LinkTarget);
        Assert.Equal("/etc/passwd", Get(tree, "etc-passwd").LinkTarget);
        Assert.Equal(SampleHostTree.LongLinkTarget, Get(tree, "links/far").LinkTarget);
        Assert.True(tree.Contains(SampleHostTree.NonAscii));
        Assert.True(tree.Contains(SampleHostTree.Path300));

        var a = Get(tree, SampleHostTree.HardLinkA);
        var b = Get(tree, SampleHostTree.HardLinkB);
        Assert.NotNull(a.HardLinkKey);
        Assert.Equal((a.HardLinkKey, a.SourcePath), (b.HardLinkKey, b.SourcePath));

        // Spool files are named by a counter only, whatever the archive called them.
        Assert.All(Directory.GetFiles(spool), f => Assert.Matches("^[0-9]{8}$", Path.GetFileName(f)));
    }

    [Theory]
    [InlineData("--format=ustar", 60)] // past 100 bytes: the name is split over the prefix field
    [InlineData("--format=v7", 30)]    // v7 holds 99 bytes at most
    public void Reads_ustar_and_v7_archives_with_short_names(string format, int part)
    {
        // ustar splits names over its prefix field; v7 marks folders by a trailing '/' only.
        using var temp = new TempDirectory();
        var source = temp.Combine("source");
        var deep = Path.Combine(source, new string('p', part), new string('q', part));
        Directory.CreateDirectory(deep);
        File.WriteAllText(Path.Combine(deep, "file.txt"), "deep\n");
        var archive = temp.Combine("short.tar");
        ProcessRunner.Run("tar", format, "-cf", archive, "-C", source, ".").EnsureSuccess();
        var tree = new RootfsTree();

        ArchiveReader.AddArchive(tree, archive, temp.Combine("spool"), "test");

        var folder = Path.GetRelativePath(source, deep);
        Assert.Equal(RootfsEntryType.Directory, Get(tree, folder).Type);
        Assert.Equal("deep\n", File.ReadAllText(Get(tree, folder + "/file.txt").SourcePath!));
    }

    [Fact]
    public void Two_archives_can_share_a_spool_folder()
    {
        using var temp = new TempDirectory();
        var first = Write(temp, (TarEntryType.RegularFile, "a", ""));
        File.Move(first, temp.Combine("first.tar"));
        var second = Write(temp, (TarEntryType.RegularFile, "b", ""));
        var tree = new RootfsTree();

        ArchiveReader.AddArchive(tree, temp.Combine("first.tar"), temp.Combine("spool"), "test");
        ArchiveReader.AddArchive(tree, second, temp.Combine("spool"), "test");

        Assert.NotEqual(Get(tree, "a").SourcePath, Get(tree, "b").SourcePath);
        Assert.Equal("data", File.ReadAllText(Get(tree, "a").SourcePath!));
    }

    [Fact]
    public void An_absolute_name_is_refused()
    {
        using var temp = new TempDirectory();
        var file = temp.Combine("victim");
        File.WriteAllText(file, "x");
        var archive = temp.Combine("evil.tar");
        ProcessRunner.Run("tar", "--absolute-names", "-cf", archive, file).EnsureSuccess();

        Assert.Equal("OCIB3003", Read(temp, archive).Code);
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("a/../../escape")]
    [InlineData("./a/../..")]
    public void A_name_with_dot_dot_is_refused(string name)
    {
        using var temp = new TempDirectory();
        var archive = Write(temp, (TarEntryType.RegularFile, name, ""));

        var error = Read(temp, archive);
        Assert.Equal("OCIB3003", error.Code);
        Assert.Contains(name, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/etc/passwd", "OCIB3003")]
    [InlineData("../outside", "OCIB3003")]
    [InlineData("missing", "OCIB3009")]
    [InlineData("dir", "OCIB3003")]
    public void A_hard_link_must_point_at_a_file_already_in_the_tree(string target, string code)
    {
        using var temp = new TempDirectory();
        var archive = Write(temp, (TarEntryType.Directory, "dir/", ""), (TarEntryType.HardLink, "link", target));

        Assert.Equal(code, Read(temp, archive).Code);
    }

    [Fact]
    public void Symbolic_links_may_point_anywhere()
    {
        using var temp = new TempDirectory();
        var archive = Write(temp, (TarEntryType.SymbolicLink, "abs", "/etc/passwd"), (TarEntryType.SymbolicLink, "rel", "../../../etc/shadow"));
        var tree = new RootfsTree();

        ArchiveReader.AddArchive(tree, archive, temp.Combine("spool"), "test");

        Assert.Equal("/etc/passwd", Get(tree, "abs").LinkTarget);
        Assert.Equal("../../../etc/shadow", Get(tree, "rel").LinkTarget);
    }

    [Fact]
    public void Devices_and_fifos_are_left_out_with_a_warning()
    {
        using var temp = new TempDirectory();
        var archive = Write(temp, (TarEntryType.Fifo, "pipe", ""), (TarEntryType.CharacterDevice, "dev/null", ""), (TarEntryType.RegularFile, "kept", ""));
        var warnings = new List<Diagnostic>();
        var tree = new RootfsTree();

        ArchiveReader.AddArchive(tree, archive, temp.Combine("spool"), "test", warnings.Add);

        Assert.Equal(["kept"], tree.Sorted().Select(e => e.Path));
        Assert.Equal(["OCIB3007", "OCIB3007"], warnings.Select(w => w.Code));
    }

    [Fact]
    public void Garbage_is_a_corrupt_archive()
    {
        using var temp = new TempDirectory();
        var archive = temp.Combine("garbage.tar");
        var bytes = new byte[2048];
        new Random(1).NextBytes(bytes);
        File.WriteAllBytes(archive, bytes);

        Assert.Equal("OCIB3005", Read(temp, archive).Code);
    }

    [Theory]
    [InlineData("cut.tar.gz", "-czf")]
    [InlineData("cut.tar.bz2", "-cjf")]
    public void A_truncated_compressed_archive_is_corrupt(string name, string createFlags)
    {
        using var temp = new TempDirectory();
        var source = temp.Combine("source");
        SampleHostTree.Create(source);
        var archive = temp.Combine(name);
        ProcessRunner.Run("tar", createFlags, archive, "-C", source, ".").EnsureSuccess();
        var bytes = File.ReadAllBytes(archive);
        File.WriteAllBytes(archive, bytes[..(bytes.Length / 2)]);

        Assert.Equal("OCIB3005", Read(temp, archive).Code);
    }

    private static Diagnostic Read(TempDirectory temp, string archive) =>
        Assert.Throws<OciBundleException>(() => ArchiveReader.AddArchive(new RootfsTree(), archive, temp.Combine("spool"), "test")).Diagnostic;

    /// <summary>Writes entries the way a hostile or unusual tool might, bypassing GNU tar's own safety checks.</summary>
    private static string Write(TempDirectory temp, params (TarEntryType Type, string Name, string LinkName)[] entries)
    {
        var path = temp.Combine("made.tar");
        using var file = File.Create(path);
        using var writer = new TarWriter(file, TarEntryFormat.Gnu);
        foreach (var (type, name, linkName) in entries)
        {
            var entry = new GnuTarEntry(type, name);
            if (type is TarEntryType.HardLink or TarEntryType.SymbolicLink)
            {
                entry.LinkName = linkName;
            }
            else if (type == TarEntryType.RegularFile)
            {
                entry.DataStream = new MemoryStream("data"u8.ToArray());
            }

            writer.WriteEntry(entry);
        }

        return path;
    }

    private static RootfsEntry Get(RootfsTree tree, string path)
    {
        Assert.True(tree.TryGet(path, out var entry), $"'{path}' is not in the tree");
        return entry;
    }
}
