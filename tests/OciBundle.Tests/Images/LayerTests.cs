using System.Runtime.Versioning;
using OciBundle.Diagnostics;
using OciBundle.Images;
using OciBundle.Rootfs;
using OciBundle.Tests.Support;
using static OciBundle.Tests.Images.TestLayout;

namespace OciBundle.Tests.Images;

[UnsupportedOSPlatform("windows")]
public class LayerTests
{
    private static (RootfsTree Tree, BaseImage Image) Layers(TempDirectory temp, params byte[][] tars)
    {
        var layout = new TestLayout(temp.Combine("img"));
        var layers = tars.Select(t => layout.Layer(t)).ToList();
        layout.Index(Entry(layout.Image(layers)));
        return Load("oci:img", temp.Path, temp.Combine("spool"));
    }

    [Fact]
    public void A_whiteout_deletes_a_lower_file_and_a_lower_folder_with_its_subtree()
    {
        using var temp = new TempDirectory();
        var (tree, image) = Layers(
            temp,
            Tar("etc/", "etc/keep=1", "etc/gone=2", "var/", "var/cache/", "var/cache/a/", "var/cache/a/b=3"),
            Tar("etc/.wh.gone", "var/.wh.cache"));

        Assert.True(tree.Contains("etc/keep"));
        Assert.False(tree.Contains("etc/gone"));
        Assert.False(tree.Contains("var/cache"));
        Assert.False(tree.Contains("var/cache/a/b"));
        Assert.True(tree.Contains("var"));
        Assert.DoesNotContain(tree.Sorted(), e => e.Path.Contains(".wh.", StringComparison.Ordinal));
        Assert.Equal(tree.Count, image.Entries.Count);
    }

    [Fact]
    public void An_opaque_folder_drops_lower_children_and_keeps_its_own_layers_in_any_order()
    {
        using var temp = new TempDirectory();
        var (tree, _) = Layers(
            temp,
            Tar("data/", "data/old=1", "data/sub/", "data/sub/x=2"),
            Tar("data/", "data/new=3", "data/.wh..wh..opq", "data/later=4"));

        Assert.False(tree.Contains("data/old"));
        Assert.False(tree.Contains("data/sub"));
        Assert.Equal("3", Content(tree, "data/new"));
        Assert.Equal("4", Content(tree, "data/later"));
    }

    [Fact]
    public void A_whiteout_does_not_touch_its_own_layer()
    {
        using var temp = new TempDirectory();
        var (tree, _) = Layers(temp, Tar("a=1"), Tar("a=2", ".wh.a"));
        Assert.Equal("2", Content(tree, "a"));
    }

    [Fact]
    public void A_file_replaced_by_a_folder_and_back_across_layers()
    {
        using var temp = new TempDirectory();
        var (tree, _) = Layers(
            temp,
            Tar("x=file"),
            Tar("x/", "x/inner=in"),
            Tar("x=file again"));

        Assert.Equal("file again", Content(tree, "x"));
        Assert.False(tree.Contains("x/inner"));
        Assert.True(tree.TryGet("x", out var entry));
        Assert.Equal(RootfsEntryType.RegularFile, entry.Type);
    }

    [Fact]
    public void A_link_replacing_a_lower_folder_replaces_its_subtree()
    {
        using var temp = new TempDirectory();
        var (tree, _) = Layers(temp, Tar("lib/", "lib/a.so=x"), Tar("usr/", "usr/lib/", "lib -> usr/lib"));
        Assert.True(tree.TryGet("lib", out var link));
        Assert.Equal(RootfsEntryType.SymbolicLink, link.Type);
        Assert.False(tree.Contains("lib/a.so"));
    }

    [Fact]
    public void A_hard_link_may_point_at_a_file_of_a_lower_layer()
    {
        using var temp = new TempDirectory();
        var (tree, _) = Layers(temp, Tar("bin/", "bin/busybox=BB"), Tar("bin/sh => bin/busybox"));
        Assert.Equal("BB", Content(tree, "bin/sh"));
        Assert.True(tree.TryGet("bin/sh", out var sh));
        Assert.True(tree.TryGet("bin/busybox", out var busybox));
        Assert.Equal(busybox.HardLinkKey, sh.HardLinkKey);
        Assert.NotNull(sh.HardLinkKey);
    }

    [Fact]
    public void A_hard_link_to_nothing_is_OCIB3009()
    {
        using var temp = new TempDirectory();
        var e = Assert.Throws<OciBundleException>(() => Layers(temp, Tar("a=1"), Tar("b => missing")));
        Assert.Equal("OCIB3009", e.Diagnostic.Code);
    }

    [Theory]
    [InlineData("../escape=1")]
    [InlineData("a/../../escape=1")]
    public void An_entry_leaving_the_rootfs_is_OCIB3003_naming_the_layer(string entry)
    {
        using var temp = new TempDirectory();
        var e = Assert.Throws<OciBundleException>(() => Layers(temp, Tar("a=1"), Tar(entry)));
        Assert.Equal("OCIB3003", e.Diagnostic.Code);
        Assert.Contains("OciBaseImage 'oci:img' layer 2 of 2", e.Diagnostic.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("etc/.wh.")]
    [InlineData("etc/.wh..")]
    public void A_whiteout_of_nothing_is_OCIB3112(string entry)
    {
        using var temp = new TempDirectory();
        var e = Assert.Throws<OciBundleException>(() => Layers(temp, Tar("etc/", "etc/a=1"), Tar(entry)));
        Assert.Equal("OCIB3112", e.Diagnostic.Code);
        Assert.Contains("layer 2 of 2", e.Diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Writing_through_a_lower_layers_symbolic_link_is_OCIB3008()
    {
        using var temp = new TempDirectory();
        var e = Assert.Throws<OciBundleException>(() => Layers(temp, Tar("etc -> /tmp"), Tar("etc/passwd=x")));
        Assert.Equal("OCIB3008", e.Diagnostic.Code);
    }

    [Fact]
    public void Empty_layers_are_fine()
    {
        using var temp = new TempDirectory();
        var (tree, image) = Layers(temp, Tar(), Tar("a=1"), Tar());
        Assert.Equal("1", Content(tree, "a"));
        Assert.Equal(3, image.Layers.Count);
    }

    [Fact]
    public void Uncompressed_gzip_and_zstd_layers_are_read()
    {
        using var temp = new TempDirectory();
        var layout = new TestLayout(temp.Combine("img"));
        BaseLayer[] layers = [layout.Layer(Tar("a=plain"), ""), layout.Layer(Tar("b=gzip"), "gzip"), layout.Layer(Tar("c=zstd"), "zstd")];
        layout.Index(Entry(layout.Image(layers)));
        var (tree, image) = Load("oci:img", temp.Path, temp.Combine("spool"));
        Assert.Equal("plain", Content(tree, "a"));
        Assert.Equal("gzip", Content(tree, "b"));
        Assert.Equal("zstd", Content(tree, "c"));
        Assert.Equal([MediaTypes.LayerTar, MediaTypes.LayerTarGzip, MediaTypes.LayerTarZstd], image.Layers.Select(l => l.Blob.MediaType));
    }

    [Fact]
    public void A_changed_layer_blob_is_OCIB3104_with_both_digests()
    {
        using var temp = new TempDirectory();
        var layout = new TestLayout(temp.Combine("img"));
        var layer = layout.Layer(Tar("a=1"), "");
        layout.Index(Entry(layout.Image([layer])));
        var bytes = File.ReadAllBytes(layout.BlobPath(layer.Blob.Digest));
        bytes[600] ^= 1; // inside the file's data, same length
        File.WriteAllBytes(layout.BlobPath(layer.Blob.Digest), bytes);

        var e = Assert.Throws<OciBundleException>(() => Load("oci:img", temp.Path, temp.Combine("spool")));
        Assert.Equal("OCIB3104", e.Diagnostic.Code);
        Assert.Contains(layer.Blob.Digest, e.Diagnostic.Message, StringComparison.Ordinal);
        Assert.Contains(Sha256(bytes), e.Diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_damaged_gzip_layer_reports_the_digest_not_the_decoder()
    {
        using var temp = new TempDirectory();
        var layout = new TestLayout(temp.Combine("img"));
        var layer = layout.Layer(Tar("a=1"), "gzip");
        layout.Index(Entry(layout.Image([layer])));
        var bytes = File.ReadAllBytes(layout.BlobPath(layer.Blob.Digest));
        Array.Fill(bytes, (byte)0x55, 10, bytes.Length - 20);
        File.WriteAllBytes(layout.BlobPath(layer.Blob.Digest), bytes);

        Assert.Equal("OCIB3104", Assert.Throws<OciBundleException>(() => Load("oci:img", temp.Path, temp.Combine("spool"))).Diagnostic.Code);
    }

    [Fact]
    public void A_layer_whose_size_differs_from_its_descriptor_is_OCIB3105()
    {
        using var temp = new TempDirectory();
        var layout = new TestLayout(temp.Combine("img"));
        var layer = layout.Layer(Tar("a=1"), "");
        layout.Index(Entry(layout.Image([layer])));
        File.AppendAllText(layout.BlobPath(layer.Blob.Digest), "more");

        var e = Assert.Throws<OciBundleException>(() => Load("oci:img", temp.Path, temp.Combine("spool")));
        Assert.Equal("OCIB3105", e.Diagnostic.Code);
        Assert.Contains($"is {layer.Blob.Size + 4} bytes", e.Diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_wrong_diff_id_is_OCIB3116()
    {
        using var temp = new TempDirectory();
        var layout = new TestLayout(temp.Combine("img"));
        var layer = layout.Layer(Tar("a=1"));
        var wrong = layer with { DiffId = Sha256([1, 2, 3]) };
        layout.Index(Entry(layout.Manifest(layout.Config([wrong]), [wrong])));
        Assert.Equal("OCIB3116", Assert.Throws<OciBundleException>(() => Load("oci:img", temp.Path, temp.Combine("spool"))).Diagnostic.Code);
    }

    [Fact]
    public void Layers_beyond_OciBaseRootfsMaxSize_are_OCIB3115()
    {
        using var temp = new TempDirectory();
        var layout = new TestLayout(temp.Combine("img"));
        BaseLayer[] layers = [layout.Layer(Tar("a=" + new string('x', 3000))), layout.Layer(Tar("b=" + new string('y', 3000)))];
        layout.Index(Entry(layout.Image(layers)));
        var e = Assert.Throws<OciBundleException>(() => Load("oci:img", temp.Path, temp.Combine("spool"), maxSize: 8000));
        Assert.Equal("OCIB3115", e.Diagnostic.Code);
        Assert.Contains("layer 2 of 2", e.Diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_snapshot_holds_the_very_entries_of_the_tree()
    {
        using var temp = new TempDirectory();
        var (tree, image) = Layers(temp, Tar("a=1", "b/", "b/c=2"));
        foreach (var entry in tree.Sorted())
        {
            Assert.Same(entry, image.Entries[entry.Path]);
        }
    }
}
