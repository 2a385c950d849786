using OciBundle.Diagnostics;

namespace OciBundle.Images.Sources;

/// <summary>Picks one image among an index's manifests, and reads and checks its manifest and config: shared by every source.</summary>
internal static class ImageSelection
{
    /// <summary>The layer media types the layer code reads (OCI and Docker, uncompressed, gzip, zstd).</summary>
    public static readonly IReadOnlyList<string> LayerMediaTypes =
    [
        MediaTypes.LayerTar, MediaTypes.LayerTarGzip, MediaTypes.LayerTarZstd, MediaTypes.DockerLayerGzip,
        "application/vnd.docker.image.rootfs.diff.tar",
        "application/vnd.oci.image.layer.nondistributable.v1.tar",
        "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
        "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd",
        "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
    ];

    private static readonly string[] ManifestMediaTypes = [MediaTypes.ImageManifest, MediaTypes.DockerManifest];
    private static readonly string[] ConfigMediaTypes = [MediaTypes.ImageConfig, MediaTypes.DockerConfig];

    /// <summary>
    /// The manifest for <paramref name="platform"/>: among those whose platform runs there, the
    /// exact variant first; else the only manifest without a platform (umoci writes none; its
    /// config is checked instead). Several images and no name, or none for the platform: a coded
    /// error that lists what there is.
    /// </summary>
    public static IndexEntry Choose(ImageReference reference, IReadOnlyList<IndexEntry> candidates, ImagePlatform platform, string? nameHint)
    {
        var matching = candidates.Where(c => c.Platform is { } p && p.Architecture.Length > 0 && platform.Accepts(p)).ToList();
        var pool = matching.Count > 0 ? matching : candidates.Where(c => c.Platform is null || c.Platform.Architecture.Length == 0).ToList();
        if (pool.Count == 0)
        {
            throw ImageErrors.Error(reference, Messages.ImagePlatformNotFound, platform, Describe(candidates));
        }

        var names = pool.Select(c => c.RefName).Distinct().ToList();
        if (names.Count > 1 || (matching.Count == 0 && pool.Count > 1))
        {
            var example = reference.WithName(names.OfType<string>().FirstOrDefault() ?? nameHint ?? "REF");
            throw ImageErrors.Error(reference, Messages.ImageAmbiguous, Describe(pool), example);
        }

        return pool.OrderBy(c => c.Platform is null ? 2 : platform.Rank(c.Platform)).First();
    }

    /// <summary>Reads the chosen manifest and its config (both verified), and checks media types, platform and layer count.</summary>
    public static ResolvedImage ReadImage(IImageSource source, IndexEntry entry, ImagePlatform platform)
    {
        var reference = source.Reference;
        var manifest = BlobReading.ReadJson(source, entry.Descriptor, "manifest", b => ImageJson.ParseManifest(b));
        var manifestType = entry.Descriptor.MediaType.Length > 0 ? entry.Descriptor.MediaType : manifest.MediaType ?? MediaTypes.ImageManifest;
        if (!ManifestMediaTypes.Contains(manifestType) || (manifest.MediaType is { } own && !ManifestMediaTypes.Contains(own)))
        {
            throw ImageErrors.Error(reference, Messages.ImageMediaTypeUnsupported, $"manifest {entry.Descriptor.Digest}", ImageJson.Shown(manifest.MediaType ?? manifestType), string.Join(", ", ManifestMediaTypes));
        }

        if (manifest.Config.MediaType.Length > 0 && !ConfigMediaTypes.Contains(manifest.Config.MediaType))
        {
            throw ImageErrors.Error(reference, Messages.ImageMediaTypeUnsupported, $"config {manifest.Config.Digest}", ImageJson.Shown(manifest.Config.MediaType), string.Join(", ", ConfigMediaTypes));
        }

        var config = BlobReading.ReadJson(source, manifest.Config, "config", b => ImageJson.ParseConfig(b));
        var own2 = new ImagePlatform(config.Os.Length > 0 ? config.Os : "linux", config.Architecture, config.Variant);
        if (config.Architecture.Length > 0 && !platform.Accepts(own2) || (config.Os.Length > 0 && config.Os != "linux"))
        {
            throw ImageErrors.Error(reference, Messages.ImagePlatformNotFound, platform, $"{own2} (its config says so)");
        }

        for (var i = 0; i < manifest.Layers.Count; i++)
        {
            var layer = manifest.Layers[i];
            if (!LayerMediaTypes.Contains(layer.MediaType))
            {
                throw ImageErrors.Error(reference, Messages.ImageMediaTypeUnsupported, $"layer {i + 1} of {manifest.Layers.Count} ({layer.Digest})", ImageJson.Shown(layer.MediaType), string.Join(", ", LayerMediaTypes.Take(4)));
            }
        }

        if (config.DiffIds.Count != manifest.Layers.Count)
        {
            throw ImageErrors.Error(reference, Messages.ImageLayerCountMismatch, manifest.Layers.Count, config.DiffIds.Count);
        }

        var descriptor = new Descriptor(manifestType, entry.Descriptor.Digest, entry.Descriptor.Size);
        return new ResolvedImage(descriptor, config, manifest.Layers.Select((l, i) => new BaseLayer(l, config.DiffIds[i])).ToList());
    }

    /// <summary>"linux/amd64 (ref latest), linux/arm64/v8 (ref latest)", for messages.</summary>
    public static string Describe(IEnumerable<IndexEntry> entries)
    {
        var parts = entries.Select(e => (e.Platform is { Architecture.Length: > 0 } p ? p.ToString() : "a manifest with no platform")
            + (e.RefName is { } name ? $" (named {ImageJson.Shown(name)})" : "")).Distinct().ToList();
        return parts.Count == 0 ? "no images" : string.Join(", ", parts);
    }
}
