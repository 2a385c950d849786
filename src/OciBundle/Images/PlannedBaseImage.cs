using OciBundle.Images.Sources;

namespace OciBundle.Images;

/// <summary>
/// A base image as planning sees it: the reference, and the manifest, config and layer list read
/// (small JSON, verified) before the spec is built, because the image config gives the process
/// its defaults. The layers are read later, by <see cref="Layers.BaseImageLoader"/>.
/// </summary>
public sealed class PlannedBaseImage
{
    public required ImageReference Reference { get; init; }

    public required Descriptor Manifest { get; init; }

    public required ImageConfig Config { get; init; }

    public required IReadOnlyList<BaseLayer> Layers { get; init; }

    internal IImageSource Source { get; init; } = null!;
}
