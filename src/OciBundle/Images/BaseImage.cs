namespace OciBundle.Images;

/// <summary>One layer of the base image: its blob descriptor as the manifest gives it, its diff_id.</summary>
public sealed record BaseLayer(Descriptor Blob, string DiffId);

/// <summary>A base image after reading: what images-out needs to reuse its layers byte for byte.</summary>
public sealed class BaseImage
{
    /// <summary>As the user wrote it (OciBaseImage).</summary>
    public required string Reference { get; init; }

    /// <summary>Digest of the manifest we used.</summary>
    public required Descriptor Manifest { get; init; }

    public required ImageConfig Config { get; init; }

    public required IReadOnlyList<BaseLayer> Layers { get; init; }

    /// <summary>Copies one blob (verified against its descriptor while copying) to `destination`.</summary>
    public required Action<Descriptor, Stream> CopyBlob { get; init; }

    /// <summary>
    /// The rootfs entries after applying the base layers, BEFORE the project's additions: a path →
    /// entry snapshot. images-out writes the project's layer as: every entry of the final tree that
    /// is not reference-equal (ReferenceEquals) to the snapshot's entry at that path, plus a
    /// whiteout `.wh.NAME` for every snapshot path that the final tree lacks (a removed folder
    /// gets one whiteout, not one per child).
    /// </summary>
    public required IReadOnlyDictionary<string, OciBundle.Rootfs.RootfsEntry> Entries { get; init; }
}
