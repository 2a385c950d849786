using System.Security.Cryptography;
using System.Text.Json;
using OciBundle.Diagnostics;
using OciBundle.Rootfs;

namespace OciBundle.Images.Sources;

/// <summary>
/// What docker save (and skopeo's docker-archive:) writes: manifest.json lists each image's
/// config and layer members (&lt;id&gt;/layer.tar, or blobs/sha256/&lt;hex&gt; since Docker 25)
/// with its RepoTags. There are no descriptors, so they are made here: a member named by its
/// digest keeps it (checked when read), others are hashed once; the manifest is a plain OCI
/// manifest written from them, so its digest names this image's content.
/// </summary>
internal sealed class DockerArchiveSource(ImageReference reference, TarFiles files) : IImageSource
{
    private readonly Dictionary<string, string> _members = new(StringComparer.Ordinal); // digest → member

    public ImageReference Reference => reference;

    public static DockerArchiveSource Open(ImageReference reference) => new(reference, new TarFiles(reference));

    public VerifiedBlobStream OpenBlob(Descriptor descriptor, string role) =>
        _members.TryGetValue(descriptor.Digest, out var member)
            ? BlobReading.OpenVerified(reference, files, member, descriptor, role)
            : throw ImageErrors.Error(reference, Messages.ImageBlobMissing, descriptor.Digest, role);

    public ResolvedImage Resolve(ImagePlatform platform)
    {
        if (!files.TryGetLength("manifest.json", out _))
        {
            throw ImageErrors.Error(reference, Messages.ImageLayoutInvalid, "what docker save writes", "it has no manifest.json" + (files.TryGetLength("oci-layout", out _) ? "; it is an OCI image layout, so write oci-archive:" : ""));
        }

        var images = BlobReading.Parse(reference, BlobReading.ReadFile(reference, files, "manifest.json", "manifest.json"), "manifest.json", "manifest.json", b => ImageJson.ParseDockerManifest(b));
        var image = Select(images);

        var configName = MemberName(image.Config, "config");
        var config = Describe(configName, MediaTypes.ImageConfig, "config");
        var layers = image.Layers.Select((l, i) => Describe(MemberName(l, $"layer {i + 1}"), null, $"layer {i + 1} of {image.Layers.Count}")).ToList();
        var manifestBytes = WriteManifest(config, layers);
        var manifest = new Descriptor(MediaTypes.ImageManifest, "sha256:" + Convert.ToHexString(SHA256.HashData(manifestBytes)).ToLowerInvariant(), manifestBytes.Length);
        var entry = new IndexEntry(manifest, null, image.RepoTags.FirstOrDefault());
        return ImageSelection.ReadImage(new WithManifest(this, manifest, manifestBytes), entry, platform);
    }

    private DockerArchiveImage Select(IReadOnlyList<DockerArchiveImage> images)
    {
        var tags = images.SelectMany(i => i.RepoTags).Distinct().ToList();
        if (reference.Name is { } name)
        {
            var found = images.Where(i => i.RepoTags.Any(t => SameTag(t, name))).ToList();
            return found.Count > 0 ? found[0]
                : throw ImageErrors.Error(reference, Messages.ImageRefNotFound, name, tags.Count == 0 ? "no tagged images (no RepoTags in manifest.json); leave the name out" : string.Join(", ", tags.Select(ImageJson.Shown)));
        }

        return images.Count switch
        {
            1 => images[0],
            0 => throw ImageErrors.Error(reference, Messages.ImageLayoutInvalid, "what docker save writes", "its manifest.json lists no images"),
            _ => throw ImageErrors.Error(reference, Messages.ImageAmbiguous, string.Join(", ", tags.Select(ImageJson.Shown)), reference.WithName(tags.FirstOrDefault() ?? "NAME:TAG")),
        };
    }

    /// <summary>docker save may spell a Docker Hub name in full or short: busybox:latest is docker.io/library/busybox:latest.</summary>
    private static bool SameTag(string tag, string name)
    {
        static string Short(string t) => t.StartsWith("docker.io/library/", StringComparison.Ordinal) ? t["docker.io/library/".Length..]
            : t.StartsWith("docker.io/", StringComparison.Ordinal) ? t["docker.io/".Length..] : t;
        return Short(tag) == Short(name);
    }

    private string MemberName(string written, string role)
    {
        if (!RootfsPath.TryNormalize(written, out var name, out _) || name.Length == 0 || !files.TryGetLength(name, out _))
        {
            throw ImageErrors.Error(reference, Messages.ImageBlobMissing, ImageJson.Shown(written), role);
        }

        return name;
    }

    /// <summary>A descriptor for a member: its digest from its name when it has one (checked when read), else from its bytes.</summary>
    private Descriptor Describe(string member, string? mediaType, string role)
    {
        files.TryGetLength(member, out var length);
        var named = member.StartsWith("blobs/sha256/", StringComparison.Ordinal) ? "sha256:" + member["blobs/sha256/".Length..]
            : member.EndsWith(".json", StringComparison.Ordinal) && !member.Contains('/') ? "sha256:" + member[..^".json".Length]
            : null;
        var head = new byte[4];
        string digest;
        using (var stream = files.Open(member))
        {
            var headLength = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            if (named is not null && ImageJson.IsSha256Digest(named))
            {
                digest = named;
            }
            else
            {
                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                hash.AppendData(head, 0, headLength);
                var buffer = new byte[1 << 16];
                int n;
                while ((n = stream.Read(buffer)) > 0)
                {
                    hash.AppendData(buffer, 0, n);
                }

                digest = "sha256:" + Convert.ToHexString(hash.GetCurrentHash()).ToLowerInvariant();
            }
        }

        _members[digest] = member;

        // docker save writes layers uncompressed; a compressed one is told by its magic bytes.
        mediaType ??= head is [0x1f, 0x8b, ..] ? MediaTypes.DockerLayerGzip
            : head is [0x28, 0xb5, 0x2f, 0xfd] ? MediaTypes.LayerTarZstd
            : MediaTypes.LayerTar;
        _ = role;
        return new Descriptor(mediaType, digest, length);
    }

    private static byte[] WriteManifest(Descriptor config, IReadOnlyList<Descriptor> layers)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("schemaVersion", 2);
            json.WriteString("mediaType", MediaTypes.ImageManifest);
            json.WritePropertyName("config");
            Write(json, config);
            json.WriteStartArray("layers");
            foreach (var layer in layers)
            {
                Write(json, layer);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static void Write(Utf8JsonWriter json, Descriptor descriptor)
    {
        json.WriteStartObject();
        json.WriteString("mediaType", descriptor.MediaType);
        json.WriteString("digest", descriptor.Digest);
        json.WriteNumber("size", descriptor.Size);
        json.WriteEndObject();
    }

    /// <summary>The archive with the manifest written from it served as a blob too.</summary>
    private sealed class WithManifest(DockerArchiveSource inner, Descriptor manifest, byte[] bytes) : IImageSource
    {
        public ImageReference Reference => inner.Reference;

        public ResolvedImage Resolve(ImagePlatform platform) => inner.Resolve(platform);

        public VerifiedBlobStream OpenBlob(Descriptor descriptor, string role) =>
            descriptor.Digest == manifest.Digest
                ? new VerifiedBlobStream(new MemoryStream(bytes, writable: false), descriptor, inner.Reference, role)
                : inner.OpenBlob(descriptor, role);
    }
}
