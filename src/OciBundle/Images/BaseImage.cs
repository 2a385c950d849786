namespace OciBundle.Images;

/// <summary>A base image after reading: what the image writer needs to reuse its layers byte for byte.</summary>
public sealed class BaseImage
{
    /// <summary>As the user wrote it (OciBaseImage).</summary>
    public required string Reference { get; init; }

    /// <summary>The digest of the manifest we used.</summary>
    public required Descriptor Manifest { get; init; }

    public required ImageConfig Config { get; init; }

    public required IReadOnlyList<BaseLayer> Layers { get; init; }

    /// <summary>Copies one blob (verified against its descriptor while copying) to the destination stream.</summary>
    public required Action<Descriptor, Stream> CopyBlob { get; init; }

    /// <summary>
    /// The rootfs entries after applying the base layers, BEFORE the project's additions: a path →
    /// entry snapshot. The image writer writes the project's layer as: every entry of the final tree that
    /// is not reference-equal (ReferenceEquals) to the snapshot's entry at that path, plus a
    /// whiteout `.wh.NAME` for every snapshot path that the final tree lacks (a removed folder
    /// gets one whiteout, not one per child).
    /// </summary>
    public required IReadOnlyDictionary<string, OciBundle.Rootfs.RootfsEntry> Entries { get; init; }
}
