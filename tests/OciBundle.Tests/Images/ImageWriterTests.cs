using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using OciBundle.Diagnostics;
using OciBundle.Images;
using OciBundle.Output.Image;
using OciBundle.Request;
using OciBundle.Rootfs;
using OciBundle.Settings;
using OciBundle.Spec;
using OciBundle.Tests.Building;
using OciBundle.Tests.Support;

namespace OciBundle.Tests.Images;

/// <summary>
/// The image writer on its own: the layer over a hand-made base image (its layer copied byte for
/// byte, then the project's changes with whiteouts), the config and manifest JSON, and index.json.
/// </summary>
public sealed class ImageWriterTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static RootfsEntry Folder(string path, int mode = 0b111_101_101) => new() { Path = path, Type = RootfsEntryType.Directory, Mode = mode };

    private RootfsEntry File(string path, string content, int mode = 0b110_100_100)
    {
        var source = _temp.Combine("src", path.Replace('/', '_'));
        Directory.CreateDirectory(Path.GetDirectoryName(source)!);
        System.IO.File.WriteAllText(source, content);
        return new RootfsEntry { Path = path, Type = RootfsEntryType.RegularFile, Mode = mode, SourcePath = source, Size = content.Length };
    }

    private static string Sha(byte[] bytes) => "sha256:" + Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant();

    private static ImageSettings Settings(params string[] tags) =>
        new("team/app", tags.Length == 0 ? ["latest"] : tags, ["8080/tcp"], [new("com.example.team", "infra")], true, new ImageMetadata(Version: "1.2.3"));

    private static BundleOptions Options(string output) => new(output, null, RootfsFormat.TarGz, CompressionLevel.Fastest, 1700000000, null);

    [Fact]
    public void LayerDiff_has_changed_entries_their_parents_and_one_whiteout_per_removed_subtree()
    {
        var etc = Folder("etc");
        var keep = File("etc/keep", "k");
        var old = File("etc/motd", "old");
        var gone = Folder("var/cache");
        var baseEntries = new Dictionary<string, RootfsEntry>(StringComparer.Ordinal)
        {
            ["etc"] = etc,
            ["etc/keep"] = keep,
            ["etc/motd"] = old,
            ["opt"] = Folder("opt"),
            ["opt/tool"] = Folder("opt/tool"),
            ["opt/tool/bin"] = File("opt/tool/bin", "b"),
            ["var"] = Folder("var"),
            ["var/cache"] = gone,
            ["var/cache/a"] = File("var/cache/a", "a"),
            ["var/cache/b"] = File("var/cache/b", "b"),
            ["gone-at-root"] = File("gone-at-root", "x"),
        };
        var newMotd = File("etc/motd", "new");
        var final = new List<RootfsEntry> { etc, keep, newMotd, File("opt", "now a file"), baseEntries["var"], File("srv/app/run", "run") };
        final.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        var tree = new RootfsTree();
        foreach (var e in final)
        {
            tree.Add(e);
        }

        var layer = LayerDiff.Compute(tree.Sorted(), baseEntries);

        Assert.Equal(
            [".wh.gone-at-root", "etc", "etc/motd", "opt", "srv", "srv/app", "srv/app/run", "var", "var/.wh.cache"],
            layer.Select(e => e.Path));
        Assert.Same(etc, layer.Single(e => e.Path == "etc")); // the parent as the tree has it, with its mode
        Assert.Same(newMotd, layer.Single(e => e.Path == "etc/motd"));
        Assert.All(layer.Where(e => e.Path.Contains(".wh.", StringComparison.Ordinal)), w => Assert.Equal((RootfsEntryType.RegularFile, 0, 0L), (w.Type, w.Mode, w.Size)));
    }

    [Fact]
    public void With_a_base_image_its_layer_is_copied_byte_for_byte_and_the_project_adds_one()
    {
        // The base image's one layer: a real tar+gzip blob with etc/ and etc/motd.
        var baseTar = new MemoryStream();
        using (var writer = new TarWriter(baseTar, TarEntryFormat.Gnu, leaveOpen: true))
        {
            writer.WriteEntry(new GnuTarEntry(TarEntryType.Directory, "etc/"));
            writer.WriteEntry(new GnuTarEntry(TarEntryType.RegularFile, "etc/motd") { DataStream = new MemoryStream("base\n"u8.ToArray()) });
        }

        var baseBlob = new MemoryStream();
        using (var gzip = new GZipStream(baseBlob, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(baseTar.ToArray());
        }

        var blobBytes = baseBlob.ToArray();
        var baseLayer = new BaseLayer(new Descriptor(MediaTypes.DockerLayerGzip, Sha(blobBytes), blobBytes.Length), Sha(baseTar.ToArray()));
        var etc = Folder("etc");
        var motd = File("etc/motd", "base\n");
        var copies = 0;
        var baseImage = new BaseImage
        {
            Reference = "oci-archive:base.tar:1",
            Manifest = new Descriptor(MediaTypes.ImageManifest, "sha256:" + new string('b', 64), 123),
            Config = new ImageConfig { Architecture = "amd64", Labels = new SortedDictionary<string, string> { ["com.example.team"] = "base", ["from.base"] = "yes" }, StopSignal = "SIGQUIT", ExposedPorts = ["80/tcp"] },
            Layers = [baseLayer],
            CopyBlob = (descriptor, destination) =>
            {
                Assert.Equal(baseLayer.Blob, descriptor);
                copies++;
                destination.Write(blobBytes);
            },
            Entries = new Dictionary<string, RootfsEntry>(StringComparer.Ordinal) { ["etc"] = etc, ["etc/motd"] = motd },
        };

        // The project adds /app/run and removes /etc/motd.
        var tree = new RootfsTree();
        tree.Add(etc);
        tree.Add(File("app/run", "#!/bin/sh\n", 0b111_101_101));
        var output = _temp.Combine("out");
        Directory.CreateDirectory(output);
        var spec = new RuntimeSpec();
        spec.Process.Args = ["/app/run", "x"];
        spec.Process.Env = ["PATH=/bin"];
        spec.Process.Cwd = "/app";
        var reader = new RequestReader(new BundleRequest().WithItem(SurfaceNames.Entrypoint, "/app/run").With(SurfaceNames.TargetArchitecture, "arm64"), new DiagnosticBag());
        var settings = Settings("1.0", "latest");
        var config = ImageConfigBuilder.Build(SettingsReader.Read(reader), settings, spec, 1700000000, baseImage);

        var result = ImageWriter.Write(output, Options(output), settings, config, tree.Sorted(), baseImage, null);

        Assert.Equal(1, copies);
        Assert.Equal(2, result.LayerCount);
        var blobs = Path.Combine(output, "image", "blobs", "sha256");
        var manifest = JsonNode.Parse(System.IO.File.ReadAllBytes(Path.Combine(blobs, result.Manifest.Digest[7..])))!;
        var layers = manifest["layers"]!.AsArray();
        Assert.Equal(MediaTypes.LayerTarGzip, layers[0]!["mediaType"]!.GetValue<string>()); // Docker's type, the same bytes
        Assert.Equal(baseLayer.Blob.Digest, layers[0]!["digest"]!.GetValue<string>());
        Assert.Equal(blobBytes, System.IO.File.ReadAllBytes(Path.Combine(blobs, baseLayer.Blob.Digest[7..])));
        Assert.Equal("oci-archive:base.tar:1", manifest["annotations"]!["org.opencontainers.image.base.name"]!.GetValue<string>());

        // The project's layer: app/ and app/run, and the whiteout of etc/motd under etc/.
        var ours = System.IO.File.ReadAllBytes(Path.Combine(blobs, layers[1]!["digest"]!.GetValue<string>()[7..]));
        var uncompressed = new MemoryStream();
        using (var gzip = new GZipStream(new MemoryStream(ours), CompressionMode.Decompress))
        {
            gzip.CopyTo(uncompressed);
        }

        var names = new List<string>();
        using (var tar = new TarReader(new MemoryStream(uncompressed.ToArray())))
        {
            while (tar.GetNextEntry() is { } entry)
            {
                names.Add(entry.Name);
            }
        }

        Assert.Equal(["app/", "app/run", "etc/", "etc/.wh.motd"], names);

        var imageConfig = JsonNode.Parse(System.IO.File.ReadAllBytes(Path.Combine(blobs, manifest["config"]!["digest"]!.GetValue<string>()[7..])))!;
        Assert.Equal([baseLayer.DiffId, Sha(uncompressed.ToArray())], imageConfig["rootfs"]!["diff_ids"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal("arm64", imageConfig["architecture"]!.GetValue<string>());
        Assert.Equal("v8", imageConfig["variant"]!.GetValue<string>());
        var labels = imageConfig["config"]!["Labels"]!;
        Assert.Equal("infra", labels["com.example.team"]!.GetValue<string>()); // the project's label wins over the base's
        Assert.Equal("yes", labels["from.base"]!.GetValue<string>());
        Assert.Equal("oci-archive:base.tar:1", labels["org.opencontainers.image.base.name"]!.GetValue<string>());
        Assert.Equal(baseImage.Manifest.Digest, labels["org.opencontainers.image.base.digest"]!.GetValue<string>());
        Assert.Equal("2023-11-14T22:13:20Z", labels["org.opencontainers.image.created"]!.GetValue<string>());
        Assert.Equal("1.2.3", labels["org.opencontainers.image.version"]!.GetValue<string>());
        Assert.Equal("SIGQUIT", imageConfig["config"]!["StopSignal"]!.GetValue<string>());
        Assert.Equal(["80/tcp", "8080/tcp"], imageConfig["config"]!["ExposedPorts"]!.AsObject().Select(p => p.Key));
        Assert.Equal(["/app/run"], imageConfig["config"]!["Entrypoint"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal(["x"], imageConfig["config"]!["Cmd"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal(2, imageConfig["history"]!.AsArray().Count);
    }

    [Fact]
    public void Index_names_every_tag_for_skopeo_and_for_docker()
    {
        var output = _temp.Combine("out");
        Directory.CreateDirectory(output);
        var tree = new RootfsTree();
        tree.Add(File("hello", "hi"));
        var config = new ImageConfig { Architecture = "amd64", Entrypoint = ["/hello"] };
        var result = ImageWriter.Write(output, Options(output), Settings("1.0", "latest"), config, tree.Sorted(), null, null);

        var index = System.IO.File.ReadAllText(Path.Combine(output, "image", "index.json"));
        var d = result.Manifest;
        Assert.Equal(
            "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":["
            + $"{{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"{d.Digest}\",\"size\":{d.Size},\"platform\":{{\"architecture\":\"amd64\",\"os\":\"linux\"}},\"annotations\":{{\"io.containerd.image.name\":\"docker.io/team/app:1.0\",\"org.opencontainers.image.ref.name\":\"1.0\"}}}},"
            + $"{{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"{d.Digest}\",\"size\":{d.Size},\"platform\":{{\"architecture\":\"amd64\",\"os\":\"linux\"}},\"annotations\":{{\"io.containerd.image.name\":\"docker.io/team/app:latest\",\"org.opencontainers.image.ref.name\":\"latest\"}}}}]}}",
            index);
        Assert.Equal("{\"imageLayoutVersion\":\"1.0.0\"}", System.IO.File.ReadAllText(Path.Combine(output, "image", "oci-layout")));
        var docker = JsonNode.Parse(System.IO.File.ReadAllText(Path.Combine(output, "image", "manifest.json")))![0]!;
        Assert.Equal(["team/app:1.0", "team/app:latest"], docker["RepoTags"]!.AsArray().Select(n => n!.GetValue<string>()));

        // image.tar: the same files, sorted, one mtime, root-owned.
        var entries = new List<(string, DateTimeOffset)>();
        using (var tar = new TarReader(System.IO.File.OpenRead(Path.Combine(output, "image.tar"))))
        {
            while (tar.GetNextEntry() is { } entry)
            {
                entries.Add((entry.Name, entry.ModificationTime));
            }
        }

        Assert.Equal(["blobs/", "blobs/sha256/"], entries.Take(2).Select(e => e.Item1));
        Assert.Equal(["index.json", "manifest.json", "oci-layout"], entries.TakeLast(3).Select(e => e.Item1));
        Assert.Equal(3 + 5, entries.Count); // config, manifest and one layer
        Assert.All(entries, e => Assert.Equal(1700000000, e.Item2.ToUnixTimeSeconds()));
    }

    [Fact]
    public void The_sbom_is_attached_as_an_artifact_that_refers_to_the_image_manifest()
    {
        var output = _temp.Combine("out");
        Directory.CreateDirectory(output);
        var tree = new RootfsTree();
        tree.Add(File("hello", "hi"));
        var config = new ImageConfig { Architecture = "amd64", Entrypoint = ["/hello"] };
        var sbom = "{\"spdxVersion\":\"SPDX-2.3\"}\n"u8.ToArray();
        Descriptor? seen = null;
        var result = ImageWriter.Write(output, Options(output), Settings("1.0"), config, tree.Sorted(), null, null, manifest =>
        {
            seen = manifest;
            Assert.True(System.IO.File.Exists(Path.Combine(output, "image", "blobs", "sha256", manifest.Digest[7..]))); // written before the SBOM is made
            return sbom;
        });

        Assert.Equal(result.Manifest, seen);
        var artifact = result.SbomArtifact!;
        var blobs = Path.Combine(output, "image", "blobs", "sha256");
        var indexText = System.IO.File.ReadAllText(Path.Combine(output, "image", "index.json"));
        var index = JsonNode.Parse(indexText)!["manifests"]!.AsArray();
        Assert.Equal(2, index.Count);
        Assert.Equal(result.Manifest.Digest, index[0]!["digest"]!.GetValue<string>());
        Assert.EndsWith(
            $",{{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"{artifact.Digest}\",\"size\":{artifact.Size},\"artifactType\":\"application/spdx+json\"}}]}}",
            indexText,
            StringComparison.Ordinal);

        var bytes = System.IO.File.ReadAllBytes(Path.Combine(blobs, artifact.Digest[7..]));
        Assert.Equal(artifact.Digest, Sha(bytes));
        Assert.Equal(
            "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"artifactType\":\"application/spdx+json\","
            + "\"config\":{\"mediaType\":\"application/vnd.oci.empty.v1+json\",\"digest\":\"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a\",\"size\":2},"
            + $"\"layers\":[{{\"mediaType\":\"application/spdx+json\",\"digest\":\"{Sha(sbom)}\",\"size\":{sbom.Length},\"annotations\":{{\"org.opencontainers.image.title\":\"sbom.spdx.json\"}}}}],"
            + $"\"subject\":{{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"{result.Manifest.Digest}\",\"size\":{result.Manifest.Size}}},"
            + "\"annotations\":{\"org.opencontainers.image.created\":\"2023-11-14T22:13:20Z\"}}",
            Encoding.UTF8.GetString(bytes));
        Assert.Equal(sbom, System.IO.File.ReadAllBytes(Path.Combine(blobs, Sha(sbom)[7..])));
        Assert.Equal("{}", System.IO.File.ReadAllText(Path.Combine(blobs, "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a")));

        // docker load reads manifest.json: it lists the image alone.
        var docker = JsonNode.Parse(System.IO.File.ReadAllText(Path.Combine(output, "image", "manifest.json")))!.AsArray();
        Assert.Equal(Sha(System.IO.File.ReadAllBytes(Path.Combine(blobs, docker.Single()!["Config"]!.GetValue<string>()["blobs/sha256/".Length..]))), JsonNode.Parse(System.IO.File.ReadAllText(Path.Combine(blobs, result.Manifest.Digest[7..])))!["config"]!["digest"]!.GetValue<string>());
    }

    [Fact]
    public void No_sbom_no_artifact()
    {
        var output = _temp.Combine("out");
        Directory.CreateDirectory(output);
        var tree = new RootfsTree();
        tree.Add(File("hello", "hi"));
        var result = ImageWriter.Write(output, Options(output), Settings("1.0"), new ImageConfig { Architecture = "amd64" }, tree.Sorted(), null, null, _ => null);
        Assert.Null(result.SbomArtifact);
        Assert.Single(JsonNode.Parse(System.IO.File.ReadAllText(Path.Combine(output, "image", "index.json")))!["manifests"]!.AsArray());
        Assert.Equal(3, Directory.GetFiles(Path.Combine(output, "image", "blobs", "sha256")).Length);
    }

    [Fact]
    public void Config_json_has_a_fixed_shape()
    {
        var config = new ImageConfig
        {
            Architecture = "amd64",
            User = "app",
            Env = ["PATH=/bin", "A=b+c"],
            Entrypoint = ["/app/run"],
            WorkingDir = "/app",
            ExposedPorts = ["80/tcp"],
            Labels = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["z"] = "1", ["a"] = "<2>" },
            DiffIds = ["sha256:" + new string('0', 64)],
        };
        var json = Encoding.UTF8.GetString(ImageJson.Config(config, "1970-01-01T00:00:00Z", [new HistoryEntry("1970-01-01T00:00:00Z", "OciBundle.Sdk: the project's rootfs")]));
        Assert.Equal(
            "{\"created\":\"1970-01-01T00:00:00Z\",\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"User\":\"app\",\"ExposedPorts\":{\"80/tcp\":{}},"
            + "\"Env\":[\"PATH=/bin\",\"A=b+c\"],\"Entrypoint\":[\"/app/run\"],\"WorkingDir\":\"/app\",\"Labels\":{\"a\":\"<2>\",\"z\":\"1\"}},"
            + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:" + new string('0', 64) + "\"]},"
            + "\"history\":[{\"created\":\"1970-01-01T00:00:00Z\",\"created_by\":\"OciBundle.Sdk: the project's rootfs\"}]}",
            json);
    }

    [Fact]
    public void A_base_blob_that_does_not_match_its_descriptor_stops_the_build()
    {
        var output = _temp.Combine("out");
        Directory.CreateDirectory(output);
        var baseImage = new BaseImage
        {
            Reference = "oci:base",
            Manifest = new Descriptor(MediaTypes.ImageManifest, "sha256:" + new string('b', 64), 1),
            Config = new ImageConfig { Architecture = "amd64" },
            Layers = [new BaseLayer(new Descriptor(MediaTypes.LayerTarGzip, "sha256:" + new string('c', 64), 3), "sha256:" + new string('d', 64))],
            CopyBlob = (_, destination) => destination.Write("abc"u8),
            Entries = new Dictionary<string, RootfsEntry>(StringComparer.Ordinal),
        };
        var e = Assert.Throws<OciBundle.Diagnostics.OciBundleException>(() =>
            ImageWriter.Write(output, Options(output), Settings(), new ImageConfig { Architecture = "amd64" }, [], baseImage, null));
        Assert.Equal("OCIB5012", e.Diagnostic.Code);
    }
}
