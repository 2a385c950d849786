namespace OciBundle.Output;

public static class OutputKinds
{
    public const string Config = "Config";
    public const string Rootfs = "Rootfs";
    public const string Checksums = "Checksums";
    public const string BundleArchive = "BundleArchive";
    public const string PluginDirectory = "PluginDirectory";
    public const string PluginArchive = "PluginArchive";
    public const string ImageLayout = "ImageLayout";
    public const string ImageArchive = "ImageArchive";
    public const string Sbom = "Sbom";
}

/// <summary>One file or folder the bundle build wrote (or found up to date).</summary>
public sealed record BundleOutputFile(string Path, string Kind, long Size, string Sha256);

public sealed record BundleResult(string BundleDirectory, IReadOnlyList<BundleOutputFile> Outputs, bool UpToDate);
