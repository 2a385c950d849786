using System.Runtime.Versioning;
using OciBundle.Diagnostics;
using OciBundle.Rootfs;
using OciBundle.Tests.Support;

namespace OciBundle.Tests.Rootfs;

[UnsupportedOSPlatform("windows")] // Unix modes and links; the tests run where the bundles run
public class HostDirectoryReaderTests
{
    [Fact]
    public void Reads_types_modes_links_and_sizes_as_root()
    {
        using var temp = new TempDirectory();
        var source = temp.Combine("source");
        SampleHostTree.Create(source);
        ProcessRunner.Run("chown", "-h", "1234:5678", Path.Combine(source, "bin/tool")).EnsureSuccess();
        var tree = new RootfsTree();

        HostDirectoryReader.AddDirectory(tree, source, "", "OciBaseRootfs test");

        var tool = Get(tree, "bin/tool");
        Assert.Equal((RootfsEntryType.RegularFile, 0b111_101_101, 0, 0), (tool.Type, tool.Mode, tool.Uid, tool.Gid));
        Assert.Equal(Path.Combine(source, "bin/tool"), tool.SourcePath);
        Assert.Equal(new FileInfo(tool.SourcePath!).Length, tool.Size);
        Assert.Equal("OciBaseRootfs test", tool.Origin);
        Assert.Equal(0b100_111_101_101, Get(tree, "usr/bin/suid").Mode);
        Assert.Equal(0b1_111_111_111, Get(tree, "tmp").Mode);
        Assert.Equal(RootfsEntryType.Directory, Get(tree, "empty").Type);

        var lib = Get(tree, "lib");
        Assert.Equal((RootfsEntryType.SymbolicLink, "usr/lib"), (lib.Type, lib.LinkTarget));
        Assert.Equal("/etc/passwd", Get(tree, "etc-passwd").LinkTarget);
        Assert.Equal(SampleHostTree.LongLinkTarget, Get(tree, "links/far").LinkTarget);
        Assert.False(tree.Contains("lib/libdemo.so")); // the link to a folder was not walked

        var a = Get(tree, SampleHostTree.HardLinkA);
        var b = Get(tree, SampleHostTree.HardLinkB);
        Assert.NotNull(a.HardLinkKey);
        Assert.Equal(a.HardLinkKey, b.HardLinkKey);
        Assert.Null(tool.HardLinkKey);
        Assert.True(tree.Contains(SampleHostTree.NonAscii));
        Assert.True(tree.Contains(SampleHostTree.Path300));
    }

    [Fact]
    public void A_target_path_puts_the_folder_below_it()
    {
        using var temp = new TempDirectory();
        var source = temp.Combine("app");
        Directory.CreateDirectory(source);
        File.SetUnixFileMode(source, (UnixFileMode)0b111_101_000);
        File.WriteAllText(Path.Combine(source, "run.sh"), "x");
        var tree = new RootfsTree();

        HostDirectoryReader.AddDirectory(tree, source, "opt/app", "OciRootfsDirectory app");

        Assert.Equal(["opt", "opt/app", "opt/app/run.sh"], tree.Sorted().Select(e => e.Path));
        Assert.Equal(0b111_101_000, Get(tree, "opt/app").Mode);
    }

    [Fact]
    public void Fifos_and_sockets_are_left_out_with_a_warning()
    {
        using var temp = new TempDirectory();
        var source = temp.Combine("source");
        Directory.CreateDirectory(source);
        ProcessRunner.Run("mkfifo", Path.Combine(source, "pipe")).EnsureSuccess();
        File.WriteAllText(Path.Combine(source, "kept"), "x");
        var warnings = new List<Diagnostic>();
        var tree = new RootfsTree();

        HostDirectoryReader.AddDirectory(tree, source, "", "test", warnings.Add);

        Assert.Equal(["kept"], tree.Sorted().Select(e => e.Path));
        var warning = Assert.Single(warnings);
        Assert.Equal(("OCIB3010", DiagnosticSeverity.Warning), (warning.Code, warning.Severity));
        Assert.Contains("fifo", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_folder_is_unreadable_input()
    {
        using var temp = new TempDirectory();
        var e = Assert.Throws<OciBundleException>(() => HostDirectoryReader.AddDirectory(new RootfsTree(), temp.Combine("nope"), "", "test"));
        Assert.Equal("OCIB3004", e.Diagnostic.Code);
    }

    private static RootfsEntry Get(RootfsTree tree, string path)
    {
        Assert.True(tree.TryGet(path, out var entry), $"'{path}' is not in the tree");
        return entry;
    }
}
