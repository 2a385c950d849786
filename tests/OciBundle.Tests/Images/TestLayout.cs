using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using OciBundle.Diagnostics;
using OciBundle.Images;
using OciBundle.Images.Layers;
using OciBundle.Request;
using OciBundle.Rootfs;
using OciBundle.Settings;

namespace OciBundle.Tests.Images;

/// <summary>
/// Builds small OCI image layouts by hand, for edge cases no tool writes on purpose: every blob
/// written, every digest computed here, so a test can also write a wrong one.
/// </summary>
internal sealed class TestLayout
{
    public TestLayout(string root)
    {
        Root = root;
        Directory.CreateDirectory(Path.Combine(root, "blobs", "sha256"));
        File.WriteAllText(Path.Combine(root, "oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
    }

    public string Root { get; }

    public static string Sha256(byte[] data) => "sha256:" + Convert.ToHexString(SHA256.HashData(data)).ToLowerInvariant();

    public Descriptor Blob(byte[] data, string mediaType)
    {
        var digest = Sha256(data);
        File.WriteAllBytes(BlobPath(digest), data);
        return new Descriptor(mediaType, digest, data.Length);
    }

    public string BlobPath(string digest) => Path.Combine(Root, "blobs", "sha256", digest["sha256:".Length..]);

    /// <summary>A tar of the entries: "dir/" folders, "name" files (content), "name -> target" links, "name => target" hard links.</summary>
    public static byte[] Tar(params string[] entries)
    {
        using var buffer = new MemoryStream();
        using (var writer = new TarWriter(buffer, TarEntryFormat.Ustar, leaveOpen: true))
        {
            foreach (var spec in entries)
            {
                var (name, content) = spec.Split('=', 2) is [var n, var c] && !spec.Contains("=>") ? (n, c) : (spec, "");
                UstarTarEntry entry;
                if (name.Contains(" -> "))
                {
                    var parts = name.Split(" -> ");
                    entry = new UstarTarEntry(TarEntryType.SymbolicLink, parts[0]) { LinkName = parts[1] };
                }
                else if (name.Contains(" => "))
                {
                    var parts = name.Split(" => ");
                    entry = new UstarTarEntry(TarEntryType.HardLink, parts[0]) { LinkName = parts[1] };
                }
                else if (name.EndsWith('/'))
                {
                    entry = new UstarTarEntry(TarEntryType.Directory, name) { Mode = (UnixFileMode)0b111_101_101 };
                }
                else
                {
                    entry = new UstarTarEntry(TarEntryType.RegularFile, name)
                    {
                        Mode = (UnixFileMode)0b111_101_101,
                        DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)),
                    };
                }

                writer.WriteEntry(entry);
            }
        }

        // .NET writes no end-of-archive marker for a tar without entries; tar and Docker write one.
        return entries.Length == 0 ? new byte[1024] : buffer.ToArray();
    }

    /// <summary>A layer blob of <paramref name="tar"/>: "" uncompressed, "gzip" or "zstd".</summary>
    public BaseLayer Layer(byte[] tar, string compression = "gzip")
    {
        var (data, mediaType) = compression switch
        {
            "gzip" => (Gzip(tar), MediaTypes.LayerTarGzip),
            "zstd" => (new ZstdSharp.Compressor().Wrap(tar).ToArray(), MediaTypes.LayerTarZstd),
            _ => (tar, MediaTypes.LayerTar),
        };
        return new BaseLayer(Blob(data, mediaType), Sha256(tar));
    }

    public Descriptor Config(IEnumerable<BaseLayer> layers, string architecture = "amd64", string? variant = null, object? config = null)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object?>
        {
            ["architecture"] = architecture,
            ["os"] = "linux",
            ["variant"] = variant,
            ["config"] = config ?? new { },
            ["rootfs"] = new { type = "layers", diff_ids = layers.Select(l => l.DiffId).ToArray() },
        });
        return Blob(json, MediaTypes.ImageConfig);
    }

    public Descriptor Manifest(Descriptor config, IEnumerable<BaseLayer> layers) =>
        Blob(JsonSerializer.SerializeToUtf8Bytes(new
        {
            schemaVersion = 2,
            mediaType = MediaTypes.ImageManifest,
            config = Json(config),
            layers = layers.Select(l => Json(l.Blob)).ToArray(),
        }), MediaTypes.ImageManifest);

    /// <summary>One manifest of the layers (config for <paramref name="architecture"/>).</summary>
    public Descriptor Image(IReadOnlyList<BaseLayer> layers, string architecture = "amd64", string? variant = null, object? config = null) =>
        Manifest(Config(layers, architecture, variant, config), layers);

    public static object Entry(Descriptor descriptor, string? refName = null, string? architecture = null, string? variant = null) => new Dictionary<string, object?>
    {
        ["mediaType"] = descriptor.MediaType,
        ["digest"] = descriptor.Digest,
        ["size"] = descriptor.Size,
        ["platform"] = architecture is null ? null : new Dictionary<string, object?> { ["os"] = "linux", ["architecture"] = architecture, ["variant"] = variant },
        ["annotations"] = refName is null ? null : new Dictionary<string, string> { [MediaTypes.RefNameAnnotation] = refName },
    };

    public static byte[] IndexJson(params object[] entries) =>
        JsonSerializer.SerializeToUtf8Bytes(new { schemaVersion = 2, mediaType = MediaTypes.ImageIndex, manifests = entries }, new JsonSerializerOptions { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull });

    public void Index(params object[] entries) => File.WriteAllBytes(Path.Combine(Root, "index.json"), IndexJson(entries));

    public Descriptor NestedIndex(params object[] entries) => Blob(IndexJson(entries), MediaTypes.ImageIndex);

    private static object Json(Descriptor d) => new { mediaType = d.MediaType, digest = d.Digest, size = d.Size };

    private static byte[] Gzip(byte[] data)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(data);
        }

        return buffer.ToArray();
    }

    /// <summary>Plans (reads the JSON) as a build would, for <paramref name="reference"/>; errors in the bag.</summary>
    public static (PlannedBaseImage? Image, DiagnosticBag Diagnostics) Plan(string reference, string projectDirectory, string? architecture = null, Action<BundleRequest>? edit = null)
    {
        var request = new BundleRequest { ProjectDirectory = projectDirectory }.With(SurfaceNames.BaseImage, reference).With(SurfaceNames.TargetArchitecture, architecture);
        edit?.Invoke(request);
        var diagnostics = new DiagnosticBag();
        return (SettingsReader.Read(new RequestReader(request, diagnostics)).BaseImage.Image, diagnostics);
    }

    /// <summary>Plans and loads the layers into a new tree.</summary>
    public static (RootfsTree Tree, BaseImage Image) Load(string reference, string projectDirectory, string spool, string? architecture = null, long maxSize = ArchiveReader.DefaultMaxSize)
    {
        var (image, diagnostics) = Plan(reference, projectDirectory, architecture);
        Assert.True(image is not null, string.Join("\n", diagnostics.Items));
        var tree = new RootfsTree();
        return (tree, BaseImageLoader.Load(tree, image!, spool, null, maxSize));
    }

    public static string Content(RootfsTree tree, string path)
    {
        Assert.True(tree.TryGet(path, out var entry), $"{path} missing");
        return entry.SourcePath is null ? "" : File.ReadAllText(entry.SourcePath);
    }
}
