using OciBundle.Diagnostics;
using OciBundle.Platform;

namespace OciBundle.Rootfs;

/// <summary>Reads OciBaseRootfs, whatever form it takes, into the tree.</summary>
public static class BaseRootfsLoader
{
    private const string RawScheme = "raw://";

    /// <summary>
    /// <paramref name="baseRootfs"/> is a folder, a .tar, .tar.gz, .tgz or .tar.bz2 file (by name,
    /// any case), or <c>raw:///abs/dir</c> (garden's spelling of the folder /abs/dir).
    /// Missing: OCIB3001; anything else: OCIB3002. An archive may hold at most
    /// <paramref name="maxSize"/> bytes of uncompressed tar (OCIB3023).
    /// </summary>
    public static void Load(RootfsTree tree, string baseRootfs, string spoolDirectory, Action<Diagnostic>? warn = null, long maxSize = ArchiveReader.DefaultMaxSize)
    {
        var origin = "OciBaseRootfs " + baseRootfs;
        var isRaw = baseRootfs.StartsWith(RawScheme, StringComparison.OrdinalIgnoreCase);
        var path = isRaw ? baseRootfs[RawScheme.Length..] : baseRootfs;
        if (isRaw && !Path.IsPathFullyQualified(path))
        {
            throw new OciBundleException(Diagnostic.Error(Messages.BaseRootfsUnsupported, null, baseRootfs));
        }

        if (Directory.Exists(path))
        {
            HostDirectoryReader.AddDirectory(tree, path, "", origin, warn);
        }
        else if (!File.Exists(path))
        {
            throw new OciBundleException(Diagnostic.Error(Messages.BaseRootfsNotFound, null, baseRootfs));
        }
        else if (!isRaw && ArchiveReader.IsSupportedArchiveName(path))
        {
            if (InputFiles.WhyNotRegularFile(path) is { } reason)
            {
                throw new OciBundleException(Diagnostic.Error(Messages.InputNotRegularFile, null, origin, path, reason));
            }

            ArchiveReader.AddArchive(tree, path, spoolDirectory, origin, warn, maxSize);
        }
        else
        {
            throw new OciBundleException(Diagnostic.Error(Messages.BaseRootfsUnsupported, null, baseRootfs));
        }
    }
}
