using System.Formats.Tar;
using System.Runtime.Versioning;
using System.Text;
using System.Text.Json;
using OciBundle.Diagnostics;
using OciBundle.Images;
using OciBundle.Request;
using OciBundle.Settings;
using OciBundle.Tests.Support;
using static OciBundle.Tests.Images.TestLayout;

namespace OciBundle.Tests.Images;

[UnsupportedOSPlatform("windows")]
public class ResolutionTests
{
    private static string Code(DiagnosticBag bag) => Assert.Single(bag.Items).Code;

    /// <summary>An index of four platforms, each image holding one file that names it.</summary>
    private static TestLayout FourPlatforms(TempDirectory temp)
    {
        var layout = new TestLayout(temp.Combine("img"));
        object Platform(string architecture, string? variant)
        {
            var layer = layout.Layer(Tar($"platform={architecture}{variant}"));
            return Entry(layout.Image([layer], architecture, variant), "latest", architecture, variant);
        }

        layout.Index(Platform("amd64", null), Platform("arm", "v6"), Platform("arm", "v7"), Platform("arm64", "v8"));
        return layout;
    }

    [Theory]
    [InlineData("amd64", "amd64")]
    [InlineData("x64", "amd64")]
    [InlineData("arm64", "arm64v8")]
    [InlineData("arm", "armv7")]
    [InlineData("armv7", "armv7")]
    [InlineData("armv6", "armv6")]
    [InlineData("armel", "armv6")]
    public void The_platform_is_chosen_by_OciTargetArchitecture_with_the_arm_variant(string architecture, string expected)
    {
        using var temp = new TempDirectory();
        FourPlatforms(temp);
        var (tree, image) = Load("oci:img:latest", temp.Path, temp.Combine("spool"), architecture);
        Assert.Equal(expected, Content(tree, "platform"));
        Assert.Equal(expected.StartsWith("arm", StringComparison.Ordinal) ? expected[..^2] : expected, image.Config.Architecture);
    }

    [Fact]
    public void An_artifact_beside_the_image_is_not_an_image()
    {
        using var temp = new TempDirectory();
        var layout = new TestLayout(temp.Combine("img"));
        var image = layout.Image([layout.Layer(Tar("platform=amd64"))]);
        var empty = layout.Blob("{}"u8.ToArray(), "application/vnd.oci.empty.v1+json");
        var sbom = layout.Blob("{}"u8.ToArray(), "application/spdx+json");
        var artifact = layout.Blob(JsonSerializer.SerializeToUtf8Bytes(new
        {
            schemaVersion = 2,
            mediaType = MediaTypes.ImageManifest,
            artifactType = "application/spdx+json",
            config = new { mediaType = empty.MediaType, digest = empty.Digest, size = empty.Size },
            layers = new[] { new { mediaType = sbom.MediaType, digest = sbom.Digest, size = sbom.Size } },
            subject = new { mediaType = image.MediaType, digest = image.Digest, size = image.Size },
        }), MediaTypes.ImageManifest);
        var artifactEntry = (Dictionary<string, object?>)Entry(artifact);
        artifactEntry["artifactType"] = "application/spdx+json";

        // Both without a platform (as umoci writes an image): only the image is a candidate.
        layout.Index(Entry(image), artifactEntry);
        var (tree, loaded) = Load("oci:img", temp.Path, temp.Combine("spool"));
        Assert.Equal("amd64", Content(tree, "platform"));
        Assert.Equal(image.Digest, loaded.Manifest.Digest);
    }

    [Fact]
    public void No_image_for_the_platform_is_OCIB3109_listing_the_platforms()
    {
        using var temp = new TempDirectory();
        FourPlatforms(temp);
        var (image, bag) = Plan("oci:img", temp.Path, "riscv64");
        Assert.Null(image);
        var d = Assert.Single(bag.Items);
        Assert.Equal("OCIB3109", d.Code);
        Assert.Contains("linux/riscv64", d.Message, StringComparison.Ordinal);
        Assert.Contains("linux/amd64 (named latest), linux/arm/v6 (named latest), linux/arm/v7 (named latest), linux/arm64/v8 (named latest)", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_nested_index_is_followed_to_the_platform()
    {
        using var temp = new TempDirectory();
        var layout = new TestLayout(temp.Combine("img"));
        var amd = layout.Layer(Tar("p=amd64"));
        var arm = layout.Layer(Tar("p=arm64"));
        var nested = layout.NestedIndex(Entry(layout.Image([amd]), null, "amd64"), Entry(layout.Image([arm], "arm64"), null, "arm64"));
        layout.Index(Entry(nested, "v1"));
        Assert.Equal("arm64", Content(Load("oci:img:v1", temp.Path, temp.Combine("spool"), "arm64").Tree, "p"));
        Assert.Equal("amd64", Content(Load("oci:img", temp.Path, temp.Combine("spool2"), "amd64").Tree, "p"));
    }

    [Fact]
    public void Indexes_nested_too_deep_are_OCIB3111()
    {
        using var temp = new TempDirectory();
        var layout = new TestLayout(temp.Combine("img"));
        var inner = layout.Image([layout.Layer(Tar("a=1"))]);
        var index = layout.NestedIndex(Entry(inner));
        for (var i = 0; i < 5; i++)
        {
            index = layout.NestedIndex(Entry(index));
        }

        layout.Index(Entry(index));
        Assert.Equal("OCIB3111", Code(Plan("oci:img", temp.Path).Diagnostics));
    }

    [Fact]
    public void A_ref_that_is_not_there_is_OCIB3107_listing_the_refs()
    {
        using var temp = new TempDirectory();
        var layout = new TestLayout(temp.Combine("img"));
        var layer = layout.Layer(Tar("a=1"));
        layout.Index(Entry(layout.Image([layer]), "one"), Entry(layout.Image([layer], config: new { User = "x" }), "two"));
        var d = Assert.Single(Plan("oci:img:three", temp.Path).Diagnostics.Items);
        Assert.Equal("OCIB3107", d.Code);
        Assert.Contains("one, two", d.Message, StringComparison.Ordinal);

        var ambiguous = Assert.Single(Plan("oci:img", temp.Path).Diagnostics.Items);
        Assert.Equal("OCIB3108", ambiguous.Code);
        Assert.Contains("oci:img:one", ambiguous.Message, StringComparison.Ordinal);
        Assert.Equal("x", Plan("oci:img:two", temp.Path).Image!.Config.User);
    }

    [Theory]
    [InlineData("application/vnd.oci.image.layer.v1.tar+bzip2")]
    [InlineData("application/vnd.cncf.helm.chart.content.v1.tar+gzip")]
    public void An_unknown_layer_media_type_is_OCIB3110_when_planning(string mediaType)
    {
        using var temp = new TempDirectory();
        var layout = new TestLayout(temp.Combine("img"));
        var layer = layout.Layer(Tar("a=1"));
        var odd = layer with { Blob = layer.Blob with { MediaType = mediaType } };
        layout.Index(Entry(layout.Image([odd])));
        var d = Assert.Single(Plan("oci:img", temp.Path).Diagnostics.Items);
        Assert.Equal("OCIB3110", d.Code);
        Assert.Contains(mediaType, d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_changed_manifest_is_OCIB3104_when_planning_and_a_missing_blob_OCIB3103()
    {
        using var temp = new TempDirectory();
        var layout = new TestLayout(temp.Combine("img"));
        var layer = layout.Layer(Tar("a=1"));
        var manifest = layout.Image([layer]);
        layout.Index(Entry(manifest));
        var path = layout.BlobPath(manifest.Digest);
        var text = File.ReadAllText(path);
        File.WriteAllText(path, text.Replace("\"schemaVersion\":2", "\"schemaVersion\":3", StringComparison.Ordinal));
        Assert.Equal("OCIB3104", Code(Plan("oci:img", temp.Path).Diagnostics));

        File.WriteAllText(path, text);
        File.Delete(layout.BlobPath(layer.Blob.Digest));
        Assert.NotNull(Plan("oci:img", temp.Path).Image); // layers are read when applied
        Assert.Equal("OCIB3103", Assert.Throws<OciBundle.Diagnostics.OciBundleException>(() => Load("oci:img", temp.Path, temp.Combine("spool"))).Diagnostic.Code);
    }

    [Fact]
    public void A_config_larger_than_4_MiB_is_OCIB3102_before_it_is_read()
    {
        using var temp = new TempDirectory();
        var layout = new TestLayout(temp.Combine("img"));
        var layer = layout.Layer(Tar("a=1"));
        var config = new Descriptor(MediaTypes.ImageConfig, Sha256([1]), 5L << 20);
        layout.Index(Entry(layout.Manifest(config, [layer])));
        Assert.Equal("OCIB3102", Code(Plan("oci:img", temp.Path).Diagnostics));
    }

    [Theory]
    [InlineData("{\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:../../../etc/passwd\",\"size\":1}]}", "OCIB3106")]
    [InlineData("{\"manifests\":[{\"digest\":\"sha512:00\",\"size\":1}]}", "OCIB3106")]
    [InlineData("{\"manifests\":{}}", "OCIB3101")]
    [InlineData("[]", "OCIB3101")]
    [InlineData("{\"manifests\":[{\"digest\":\"sha256:0000000000000000000000000000000000000000000000000000000000000000\",\"size\":-1}]}", "OCIB3101")]
    [InlineData("{", "OCIB3101")]
    public void A_bad_index_is_a_coded_error(string indexJson, string code)
    {
        using var temp = new TempDirectory();
        var layout = new TestLayout(temp.Combine("img"));
        File.WriteAllText(Path.Combine(layout.Root, "index.json"), indexJson);
        Assert.Equal(code, Code(Plan("oci:img", temp.Path).Diagnostics));
    }

    [Fact]
    public void A_folder_that_is_no_layout_is_OCIB3100()
    {
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.Combine("img"));
        Assert.Equal("OCIB3100", Code(Plan("oci:img", temp.Path).Diagnostics));
    }

    [Theory]
    [InlineData("mcr.microsoft.com/dotnet/runtime-deps:10.0", "skopeo copy docker://mcr.microsoft.com/dotnet/runtime-deps:10.0 oci-archive:base.tar", "docker save mcr.microsoft.com/dotnet/runtime-deps:10.0 -o base.tar")]
    [InlineData("docker://busybox:latest", "skopeo copy docker://busybox:latest oci-archive:base.tar", "docker save busybox:latest -o base.tar")]
    [InlineData("busybox", "skopeo copy docker://busybox oci-archive:base.tar", "docker save busybox -o base.tar")]
    [InlineData("docker-daemon:app:1", "skopeo copy docker-daemon:app:1 oci-archive:base.tar", "docker save app:1 -o base.tar")]
    public void A_registry_reference_is_OCIB1100_with_the_command_that_fetches_it(string value, string skopeo, string docker)
    {
        var d = Assert.Single(Plan(value, "/tmp").Diagnostics.Items);
        Assert.Equal("OCIB1100", d.Code);
        Assert.Contains(skopeo, d.Message, StringComparison.Ordinal);
        Assert.Contains(docker, d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ContainerBaseImage_is_read_when_OciBaseImage_is_unset()
    {
        var request = new BundleRequest { ProjectDirectory = "/tmp" }.With(ForeignNames.ContainerBaseImage, "mcr.microsoft.com/dotnet/runtime:10.0");
        var bag = new DiagnosticBag();
        Assert.Null(SettingsReader.Read(new RequestReader(request, bag)).BaseImage.Image);
        var d = Assert.Single(bag.Items);
        Assert.Equal("OCIB1100", d.Code);
        Assert.StartsWith("ContainerBaseImage 'mcr.microsoft.com/dotnet/runtime:10.0'", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OciBaseImage_with_OciBaseRootfs_is_OCIB1101()
    {
        using var temp = new TempDirectory();
        FourPlatforms(temp);
        File.WriteAllBytes(temp.Combine("rootfs.tar"), []); // there, so the rootfs group has nothing to say
        var (image, bag) = Plan("oci:img", temp.Path, edit: r => r.With(SurfaceNames.BaseRootfs, "rootfs.tar"));
        Assert.Null(image);
        Assert.Equal("OCIB1101", Code(bag));
    }

    [Theory]
    [InlineData("oci:", "OCIB1102")]
    [InlineData("oci-archive::latest", "OCIB1102")]
    [InlineData("oci-archive:base.tar:", "OCIB1102")]
    [InlineData("docker-archive:base.tar:busybox", "OCIB1102")]
    [InlineData("oci-archive:missing.tar", "OCIB1103")]
    [InlineData("oci:missing", "OCIB1103")]
    public void Malformed_and_missing_references_are_coded(string value, string code)
    {
        using var temp = new TempDirectory();
        Assert.Equal(code, Code(Plan(value, temp.Path).Diagnostics));
    }

    [Fact]
    public void A_docker_archive_with_several_images_is_chosen_by_NAME_TAG()
    {
        using var temp = new TempDirectory();
        var archive = temp.Combine("saved.tar");
        DockerArchive(archive, ("one:1", "file=one"), ("two:2", "file=two"));

        Assert.Equal("two", Content(Load("docker-archive:saved.tar:two:2", temp.Path, temp.Combine("s1")).Tree, "file"));
        Assert.Equal("one", Content(Load("docker-archive:saved.tar:docker.io/library/one:1", temp.Path, temp.Combine("s2")).Tree, "file"));
        var ambiguous = Assert.Single(Plan("docker-archive:saved.tar", temp.Path).Diagnostics.Items);
        Assert.Equal("OCIB3108", ambiguous.Code);
        Assert.Contains("one:1, two:2", ambiguous.Message, StringComparison.Ordinal);
        var missing = Assert.Single(Plan("docker-archive:saved.tar:three:3", temp.Path).Diagnostics.Items);
        Assert.Equal("OCIB3107", missing.Code);
    }

    /// <summary>docker save's older form: &lt;id&gt;/layer.tar, &lt;id&gt;.json configs, manifest.json.</summary>
    private static void DockerArchive(string path, params (string Tag, string File)[] images)
    {
        using var stream = File.Create(path);
        using var writer = new TarWriter(stream, TarEntryFormat.Ustar);
        var manifest = new List<object>();
        void Add(string name, byte[] data) => writer.WriteEntry(new UstarTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(data) });
        foreach (var (tag, file) in images)
        {
            var layer = Tar(file);
            var id = Sha256(layer)[7..];
            Add($"{id}/layer.tar", layer);
            var config = JsonSerializer.SerializeToUtf8Bytes(new { architecture = "amd64", os = "linux", config = new { }, rootfs = new { type = "layers", diff_ids = new[] { Sha256(layer) } } });
            var configName = Sha256(config)[7..] + ".json";
            Add(configName, config);
            manifest.Add(new { Config = configName, RepoTags = new[] { tag }, Layers = new[] { $"{id}/layer.tar" } });
        }

        Add("manifest.json", JsonSerializer.SerializeToUtf8Bytes(manifest));
    }

    [Fact]
    public void Images_umoci_and_skopeo_write_are_read_through_every_transport()
    {
        using var temp = new TempDirectory();
        var layout = temp.Combine("layout");
        var bundle = temp.Combine("bundle");
        ImageTools.Umoci("init", "--layout", layout);
        ImageTools.Umoci("new", "--image", layout + ":latest");
        ImageTools.Umoci("unpack", "--rootless", "--image", layout + ":latest", bundle);
        var rootfs = Path.Combine(bundle, "rootfs");
        Directory.CreateDirectory(Path.Combine(rootfs, "etc/conf.d"));
        File.WriteAllText(Path.Combine(rootfs, "etc/conf.d/a"), "a");
        File.WriteAllText(Path.Combine(rootfs, "etc/conf.d/b"), "b");
        File.WriteAllText(Path.Combine(rootfs, "etc/gone"), "gone");
        File.CreateSymbolicLink(Path.Combine(rootfs, "etc/link"), "conf.d/a");
        ImageTools.Umoci("repack", "--image", layout + ":latest", bundle);

        // Second layer: umoci writes whiteouts for what was deleted.
        Directory.Delete(bundle, recursive: true);
        ImageTools.Umoci("unpack", "--rootless", "--image", layout + ":latest", bundle);
        File.Delete(Path.Combine(rootfs, "etc/gone"));
        Directory.Delete(Path.Combine(rootfs, "etc/conf.d"), recursive: true);
        File.WriteAllText(Path.Combine(rootfs, "etc/new"), "new");
        ImageTools.Umoci("repack", "--image", layout + ":latest", bundle);
        ImageTools.Umoci("config", "--image", layout + ":latest", "--config.env", "A=1", "--config.entrypoint", "/bin/true");

        ImageTools.Skopeo("copy", "oci:" + layout + ":latest", "oci-archive:" + temp.Combine("image.tar"));
        ImageTools.Skopeo("copy", "oci:" + layout + ":latest", "docker-archive:" + temp.Combine("docker.tar") + ":app:1", "--additional-tag", "app:2");

        foreach (var reference in new[] { "oci:layout:latest", "oci:layout", "oci-archive:image.tar", "docker-archive:docker.tar:app:2", "docker-archive:docker.tar" })
        {
            var (tree, image) = Load(reference, temp.Path, temp.Combine("spool-" + reference.Replace(':', '-')));
            Assert.Equal("new", Content(tree, "etc/new"));
            Assert.False(tree.Contains("etc/gone"), reference);
            Assert.False(tree.Contains("etc/conf.d"), reference);
            Assert.True(tree.TryGet("etc/link", out var link), reference);
            Assert.Equal("conf.d/a", link.LinkTarget);
            Assert.Equal(["/bin/true"], image.Config.Entrypoint);
            Assert.Contains("A=1", image.Config.Env);
            Assert.Equal(2, image.Layers.Count);
        }
    }
}
