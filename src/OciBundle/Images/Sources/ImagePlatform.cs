using OciBundle.Platform;

namespace OciBundle.Images.Sources;

/// <summary>An image platform (os/architecture[/variant]) as index.json and image configs write it.</summary>
internal sealed record ImagePlatform(string Os, string Architecture, string? Variant)
{
    /// <summary>The platform of <paramref name="architecture"/>; arm gets its variant from how it was written (armv6, armel: v6; else v7).</summary>
    public static ImagePlatform For(TargetArchitecture architecture, string? writtenName) =>
        new("linux", architecture.Name, architecture.PlatformVariant(writtenName));

    /// <summary>
    /// Does an image for <paramref name="other"/> run here? Same os and architecture; for arm the
    /// same variant (or none given); elsewhere the variant is a micro-architecture level and any will do.
    /// </summary>
    public bool Accepts(ImagePlatform other) =>
        other.Os == Os && other.Architecture == Architecture
        && (Architecture != "arm" || other.Variant is null || other.Variant == Variant)
        && (Architecture != "arm64" || other.Variant is null or "v8");

    /// <summary>Ranks an accepted platform: the exact variant first.</summary>
    public int Rank(ImagePlatform other) => other.Variant == Variant ? 0 : 1;

    public override string ToString() => Variant is null ? $"{Os}/{Architecture}" : $"{Os}/{Architecture}/{Variant}";
}
