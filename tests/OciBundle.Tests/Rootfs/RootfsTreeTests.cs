using OciBundle.Diagnostics;
using OciBundle.Rootfs;

namespace OciBundle.Tests.Rootfs;

public class RootfsTreeTests
{
    [Theory]
    [InlineData("/usr//bin/./env", "usr/bin/env")]
    [InlineData("./usr/bin/env", "usr/bin/env")]
    [InlineData("usr/bin/env/", "usr/bin/env")]
    [InlineData("/", "")]
    [InlineData("a..b/c", "a..b/c")]
    public void Paths_are_normalised(string input, string expected)
    {
        Assert.True(RootfsPath.TryNormalize(input, out var normalized, out _));
        Assert.Equal(expected, normalized);
    }

    [Theory]
    [InlineData("../etc/passwd")]
    [InlineData("a/../../b")]
    [InlineData("a\0b")]
    public void Escaping_paths_are_refused(string input)
    {
        Assert.False(RootfsPath.TryNormalize(input, out _, out var reason));
        Assert.NotEmpty(reason);
    }

    [Fact]
    public void Missing_parents_become_root_owned_0755_folders()
    {
        var tree = new RootfsTree();
        tree.Add(File("usr/local/bin/tool"));

        Assert.Equal(["usr", "usr/local", "usr/local/bin", "usr/local/bin/tool"], tree.Sorted().Select(e => e.Path));
        Assert.True(tree.TryGet("usr/local", out var parent));
        Assert.Equal(RootfsEntryType.Directory, parent.Type);
        Assert.Equal(0b111_101_101, parent.Mode);
        Assert.Equal(0, parent.Uid);
    }

    [Fact]
    public void Later_entries_replace_earlier_ones()
    {
        var tree = new RootfsTree();
        tree.Add(File("etc/hostname") with { Size = 1 });
        tree.Add(File("etc/hostname") with { Size = 2 });

        Assert.True(tree.TryGet("etc/hostname", out var entry));
        Assert.Equal(2, entry.Size);
        Assert.Equal(2, tree.Count);
    }

    [Fact]
    public void Replacing_a_folder_that_holds_entries_with_a_file_or_link_is_an_error()
    {
        var tree = new RootfsTree();
        tree.Add(File("opt/app/a"));
        Assert.Equal("OCIB3008", Assert.Throws<OciBundleException>(() => tree.Add(File("opt/app"))).Diagnostic.Code);
        Assert.Equal("OCIB3008", Assert.Throws<OciBundleException>(() => tree.Add(new RootfsEntry { Path = "opt", Type = RootfsEntryType.SymbolicLink, Mode = 511, LinkTarget = "usr/opt" })).Diagnostic.Code);

        tree.Add(new RootfsEntry { Path = "empty", Type = RootfsEntryType.Directory, Mode = 493 });
        tree.Add(File("empty"));
        Assert.True(tree.TryGet("empty", out var replaced));
        Assert.Equal(RootfsEntryType.RegularFile, replaced.Type);
    }

    [Fact]
    public void A_file_or_link_as_parent_is_an_error()
    {
        var tree = new RootfsTree();
        tree.Add(new RootfsEntry { Path = "lib", Type = RootfsEntryType.SymbolicLink, Mode = 0b111_111_111, LinkTarget = "usr/lib" });
        tree.Add(File("bin"));

        Assert.Equal("OCIB3008", Assert.Throws<OciBundleException>(() => tree.Add(File("lib/libc.so"))).Diagnostic.Code);
        Assert.Equal("OCIB3008", Assert.Throws<OciBundleException>(() => tree.Add(File("bin/sh"))).Diagnostic.Code);
    }

    [Fact]
    public void Sorted_is_ordinal_with_parents_first()
    {
        var tree = new RootfsTree();
        foreach (var path in new[] { "b", "a/z", "a-b", "A", "a/b/c", "é" })
        {
            tree.Add(File(path));
        }

        // Ordinal: 'A' < 'a' < 'b' < 'é'; "a" < "a-b" < "a/..." because '-' (0x2d) < '/' (0x2f).
        Assert.Equal(["A", "a", "a-b", "a/b", "a/b/c", "a/z", "b", "é"], tree.Sorted().Select(e => e.Path));
    }

    private static RootfsEntry File(string path) => new() { Path = path, Type = RootfsEntryType.RegularFile, Mode = 0b110_100_100 };
}
