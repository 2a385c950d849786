using System.Security.Cryptography;
using OciBundle.Rootfs;
using OciBundle.Settings;

namespace OciBundle.Output;

/// <summary>
/// The Docker plugin format: plugin/ with Docker's config.json and rootfs/ (what
/// `docker plugin create NAME plugin` reads), and plugin.tar.gz holding the same two entries.
/// </summary>
public static class PluginFiles
{
    public const string DirectoryName = "plugin";
    public const string ArchiveName = "plugin.tar.gz";

    /// <summary>Writes both into the staging folder; returns them and the SHA256SUMS lines they add.</summary>
    public static (BundleOutputFile Directory, BundleOutputFile Archive, List<string> SumLines) Write(
        string staging, BundleOptions options, byte[] pluginConfig, IReadOnlyList<RootfsEntry> sorted)
    {
        var directory = Path.Combine(staging, DirectoryName);
        Directory.CreateDirectory(directory);
        File.WriteAllBytes(Path.Combine(directory, BundleFiles.ConfigFileName), pluginConfig);
        DirectoryTreeWriter.Write(sorted, Path.Combine(directory, "rootfs"), options.SourceDateEpoch);
        var archive = BundleFiles.WriteArchive(Path.Combine(staging, ArchiveName), options, pluginConfig, sorted) with { Kind = OutputKinds.PluginArchive };
        var configDigest = Convert.ToHexString(SHA256.HashData(pluginConfig)).ToLowerInvariant();
        return (
            new BundleOutputFile(directory, OutputKinds.PluginDirectory, 0, ""),
            archive,
            [BundleFiles.SumLine(configDigest, $"{DirectoryName}/{BundleFiles.ConfigFileName}"), BundleFiles.SumLine(archive.Sha256, ArchiveName)]);
    }
}
