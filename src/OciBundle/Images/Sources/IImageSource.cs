namespace OciBundle.Images.Sources;

/// <summary>
/// Where a base image comes from. A source resolves the reference to one image manifest for the
/// target platform (reading only small JSON) and hands out its blobs, verified while they are
/// read. The layer code sees nothing else, so a registry source can stand beside the file ones.
/// </summary>
internal interface IImageSource
{
    ImageReference Reference { get; }

    /// <summary>The manifest, config and layers of the one image the reference names for <paramref name="platform"/>; coded errors otherwise.</summary>
    ResolvedImage Resolve(ImagePlatform platform);

    /// <summary>A stream of the blob's bytes that fails (OCIB3104, OCIB3105) when they do not match <paramref name="descriptor"/>; <paramref name="role"/> names it in messages ("layer 2 of 3").</summary>
    VerifiedBlobStream OpenBlob(Descriptor descriptor, string role);
}

/// <summary>One image of a source: the manifest that was chosen, its config and its layers.</summary>
internal sealed record ResolvedImage(Descriptor Manifest, ImageConfig Config, IReadOnlyList<BaseLayer> Layers);
