using System.Runtime.Versioning;
using System.Text.Json.Nodes;
using OciBundle.Diagnostics;
using OciBundle.Output;
using OciBundle.Request;
using OciBundle.Settings;
using OciBundle.Tests.Building;
using OciBundle.Tests.Support;

namespace OciBundle.Tests.Images;

/// <summary>The whole generator with Image in OciBundleFormat: staged and committed with the bundle, all or nothing.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class ImageOutputBundleTests : IDisposable
{
    private static readonly string HostShell = new FileInfo("/bin/sh").ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? "/bin/sh";
    private readonly TempDirectory _temp = new();
    private readonly List<Diagnostic> _reported = [];

    public void Dispose() => _temp.Dispose();

    private string Output => _temp.Combine("out", "oci-bundle");

    private BundleRequest Request(string format) => RequestBuilder.Defaults()
        .With(SurfaceNames.BundleOutputPath, Output)
        .With(BundleOptions.StampFileProperty, _temp.Combine("obj", "oci-bundle.stamp"))
        .With(SurfaceNames.BundleFormat, format)
        .With(SurfaceNames.ImageName, "app")
        .WithItem(SurfaceNames.RootfsFile, "sh", ("FullPath", HostShell), ("TargetPath", "/bin/sh"));

    private List<string> Entries() => Directory.GetFileSystemEntries(Output).Select(Path.GetFileName).Where(n => n != OutputOwnership.MarkerName).Order(StringComparer.Ordinal).ToList()!;

    [Fact]
    public void Runc_and_Image_share_one_compressed_layer_and_SHA256SUMS()
    {
        var result = BundleGenerator.Generate(Request("Runc;Image"), _reported.Add);
        Assert.True(result is not null, string.Join("\n", _reported));

        Assert.Equal(["SHA256SUMS", "config.json", "image", "image.tar", "rootfs.tar.gz", "sbom.spdx.json"], Entries());
        Assert.Contains(OutputKinds.ImageLayout, result.Outputs.Select(o => o.Kind));
        Assert.Contains(OutputKinds.ImageArchive, result.Outputs.Select(o => o.Kind));
        var rootfs = result.Outputs.Single(o => o.Kind == OutputKinds.Rootfs);
        var manifestDigest = JsonNode.Parse(File.ReadAllText(Path.Combine(Output, "image", "index.json")))!["manifests"]![0]!["digest"]!.GetValue<string>();
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(Output, "image", "blobs", "sha256", manifestDigest[7..])))!;
        Assert.Equal("sha256:" + rootfs.Sha256, manifest["layers"]![0]!["digest"]!.GetValue<string>());
        var sums = File.ReadAllText(Path.Combine(Output, "SHA256SUMS"));
        Assert.Contains($"  image/blobs/sha256/{rootfs.Sha256}\n", sums);
        Assert.Contains("  image.tar\n", sums);
        Assert.Contains(_reported, d => d.Code == "OCIB5010");

        // Switching formats removes the image, as switching rootfs formats removes the other tarball.
        _reported.Clear();
        Assert.NotNull(BundleGenerator.Generate(Request("Runc"), _reported.Add));
        Assert.Equal(["SHA256SUMS", "config.json", "rootfs.tar.gz", "sbom.spdx.json"], Entries());
    }

    [Fact]
    public void Image_alone_compresses_its_own_layer_with_the_same_bytes()
    {
        Assert.NotNull(BundleGenerator.Generate(Request("Runc;Image"), _reported.Add));
        var withBundle = File.ReadAllBytes(Path.Combine(Output, "image.tar"));
        Assert.NotNull(BundleGenerator.Generate(Request("Image"), _reported.Add));
        Assert.Equal(["SHA256SUMS", "image", "image.tar", "sbom.spdx.json"], Entries());
        Assert.Equal(withBundle, File.ReadAllBytes(Path.Combine(Output, "image.tar")));
    }

    /// <summary>OciRootfsFormat=tar.zst: rootfs.tar.zst is the image's one layer, as tar+zstd, and Image alone writes the same layer.</summary>
    [Fact]
    public void A_tar_zst_rootfs_is_the_image_s_tar_zstd_layer()
    {
        var result = BundleGenerator.Generate(Request("Runc;Image").With(SurfaceNames.RootfsFormat, "tar.zst"), _reported.Add);
        Assert.True(result is not null, string.Join("\n", _reported));
        Assert.Equal(["SHA256SUMS", "config.json", "image", "image.tar", "rootfs.tar.zst", "sbom.spdx.json"], Entries());
        var rootfs = result.Outputs.Single(o => o.Kind == OutputKinds.Rootfs);
        var manifestDigest = JsonNode.Parse(File.ReadAllText(Path.Combine(Output, "image", "index.json")))!["manifests"]![0]!["digest"]!.GetValue<string>();
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(Output, "image", "blobs", "sha256", manifestDigest[7..])))!;
        Assert.Equal("sha256:" + rootfs.Sha256, manifest["layers"]![0]!["digest"]!.GetValue<string>());
        Assert.Equal("application/vnd.oci.image.layer.v1.tar+zstd", manifest["layers"]![0]!["mediaType"]!.GetValue<string>());
        var withBundle = File.ReadAllBytes(Path.Combine(Output, "image.tar"));

        Assert.NotNull(BundleGenerator.Generate(Request("Image").With(SurfaceNames.RootfsFormat, "tar.zst"), _reported.Add));
        Assert.Equal(withBundle, File.ReadAllBytes(Path.Combine(Output, "image.tar")));
    }

    [Fact]
    public void A_bad_tag_writes_nothing()
    {
        Assert.Null(BundleGenerator.Generate(Request("Runc;Image").WithItem(SurfaceNames.ImageTag, "bad tag"), _reported.Add));
        Assert.Equal("OCIB1111", Assert.Single(_reported, d => d.Severity == DiagnosticSeverity.Error).Code);
        Assert.False(Directory.Exists(Output));
    }
}
