using System.Globalization;
using System.Runtime.Versioning;
using OciBundle.Diagnostics;
using OciBundle.Rootfs;
using OciBundle.Tests.Support;

namespace OciBundle.Tests.Rootfs;

[UnsupportedOSPlatform("windows")] // Unix modes and links; the tests run where the bundles run
public class DirectoryTreeWriterTests
{
    private const long Mtime = 1_700_000_000;

    [Fact]
    public void Host_tree_is_materialised_with_links_modes_and_times()
    {
        using var temp = new TempDirectory();
        var source = temp.Combine("source");
        SampleHostTree.Create(source);
        var tree = new RootfsTree();
        HostDirectoryReader.AddDirectory(tree, source, "", "test");
        var target = temp.Combine("rootfs");

        DirectoryTreeWriter.Write(tree.Sorted(), target, Mtime);

        FolderComparer.AssertSame(source, target);
        var a = FolderComparer.Stat(Path.Combine(target, SampleHostTree.HardLinkA));
        var b = FolderComparer.Stat(Path.Combine(target, SampleHostTree.HardLinkB));
        Assert.Equal(a[1], b[1]); // same inode
        var fixedTime = Mtime.ToString(CultureInfo.InvariantCulture);
        foreach (var path in new[] { "", "bin", "bin/tool", "empty", "tmp", "lib", "links/far", "deep", SampleHostTree.Path300 })
        {
            Assert.True(fixedTime == FolderComparer.Stat(Path.Combine(target, path))[2], $"mtime of '{path}'");
        }

        Assert.Equal("0:0", FolderComparer.Stat(Path.Combine(target, "bin/tool"))[0]);
    }

    [Fact]
    public void Owners_are_applied_when_running_as_root_without_losing_setuid()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            return; // only root may give files away
        }

        using var temp = new TempDirectory();
        var content = temp.Combine("content");
        File.WriteAllText(content, "x");
        RootfsEntry[] entries =
        [
            new() { Path = "home", Type = RootfsEntryType.Directory, Mode = 0b111_000_000, Uid = 1000, Gid = 1000 },
            new() { Path = "home/su", Type = RootfsEntryType.RegularFile, Mode = 0b100_111_101_101, Uid = 1000, Gid = 100, SourcePath = content, Size = 1 },
            new() { Path = "home/link", Type = RootfsEntryType.SymbolicLink, Mode = 0b111_111_111, Uid = 1000, Gid = 1000, LinkTarget = "/nonexistent" },
        ];
        var target = temp.Combine("rootfs");

        DirectoryTreeWriter.Write(entries, target, Mtime);

        Assert.Equal("1000:1000", FolderComparer.Stat(Path.Combine(target, "home"))[0]);
        Assert.Equal("1000:100", FolderComparer.Stat(Path.Combine(target, "home/su"))[0]);
        Assert.Equal("1000:1000", FolderComparer.Stat(Path.Combine(target, "home/link"))[0]);
        Assert.Equal((UnixFileMode)0b100_111_101_101, File.GetUnixFileMode(Path.Combine(target, "home/su")));
        Assert.Equal((UnixFileMode)0b111_000_000, File.GetUnixFileMode(Path.Combine(target, "home")));
    }

    [Fact]
    public void Many_files_copied_in_parallel_keep_contents_and_link_groups_and_never_share_the_sources_inodes()
    {
        using var temp = new TempDirectory();
        var source = temp.Combine("source");
        Directory.CreateDirectory(source);
        var entries = new List<RootfsEntry> { new() { Path = "d", Type = RootfsEntryType.Directory, Mode = 0b111_101_101 } };
        for (var i = 0; i < 200; i++)
        {
            var host = Path.Combine(source, $"f{i:D3}");
            var group = i % 10 == 0 ? $"group{i / 20}" : null; // pairs of files in one hard-link group, same content
            File.WriteAllText(host, Content(i));
            entries.Add(new() { Path = $"d/f{i:D3}", Type = RootfsEntryType.RegularFile, Mode = 0b110_100_100, SourcePath = host, Size = new FileInfo(host).Length, HardLinkKey = group });
        }

        var target = temp.Combine("rootfs");
        DirectoryTreeWriter.Write(entries, target, Mtime);

        for (var i = 0; i < 200; i++)
        {
            var copy = Path.Combine(target, $"d/f{i:D3}");
            Assert.Equal(Content(i), File.ReadAllText(copy));
            Assert.NotEqual(FolderComparer.Stat(Path.Combine(source, $"f{i:D3}"))[1], FolderComparer.Stat(copy)[1]);
        }

        Assert.Equal(FolderComparer.Stat(Path.Combine(target, "d/f000"))[1], FolderComparer.Stat(Path.Combine(target, "d/f010"))[1]);
        Assert.NotEqual(FolderComparer.Stat(Path.Combine(target, "d/f010"))[1], FolderComparer.Stat(Path.Combine(target, "d/f020"))[1]);

        static string Content(int i) => i % 10 == 0 ? $"group {i / 20}\n" : $"file {i}\n";
    }

    [Fact]
    public void Writing_over_an_existing_entry_is_a_coded_error()
    {
        using var temp = new TempDirectory();
        var target = temp.Combine("rootfs");
        Directory.CreateDirectory(Path.Combine(target, "x"));
        RootfsEntry[] entries = [new() { Path = "x", Type = RootfsEntryType.SymbolicLink, Mode = 0b111_111_111, LinkTarget = "y" }];

        var e = Assert.Throws<OciBundleException>(() => DirectoryTreeWriter.Write(entries, target, Mtime));
        Assert.Equal("OCIB3012", e.Diagnostic.Code);
    }

    [Fact]
    public void A_vanished_source_is_unreadable_input()
    {
        using var temp = new TempDirectory();
        RootfsEntry[] entries = [new() { Path = "f", Type = RootfsEntryType.RegularFile, Mode = 0b110_100_100, SourcePath = temp.Combine("gone"), Size = 1, Origin = "test" }];

        var e = Assert.Throws<OciBundleException>(() => DirectoryTreeWriter.Write(entries, temp.Combine("rootfs"), Mtime));
        Assert.Equal("OCIB3004", e.Diagnostic.Code);
    }
}
