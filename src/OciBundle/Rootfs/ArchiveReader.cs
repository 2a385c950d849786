using System.Formats.Tar;
using System.IO.Compression;
using ICSharpCode.SharpZipLib;
using ICSharpCode.SharpZipLib.BZip2;
using OciBundle.Diagnostics;

namespace OciBundle.Rootfs;

/// <summary>
/// Adds the members of a base-image tarball to the rootfs. Entries are read one by one with the
/// BCL <see cref="TarReader"/>; nothing is extracted by name, so a hostile archive cannot write
/// outside the spool folder, and file contents go to counter-named spool files, not to memory.
/// </summary>
public static class ArchiveReader
{
    /// <summary>
    /// Reads <paramref name="archivePath"/> (.tar, .tar.gz, .tgz or .tar.bz2, by its name) into
    /// <paramref name="tree"/>. Regular-file contents are copied to <paramref name="spoolDirectory"/>
    /// (created if missing), which must outlive the tree. Throws OCIB3003 for entries that could
    /// escape the rootfs, OCIB3009 for hard links to nothing, OCIB3005 for corrupt data.
    /// </summary>
    public static void AddArchive(RootfsTree tree, string archivePath, string spoolDirectory, string origin, Action<Diagnostic>? warn = null)
    {
        string? lastName = null;
        try
        {
            Directory.CreateDirectory(spoolDirectory);
            using var file = new FileStream(archivePath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
            using var decompressed = Decompress(file, archivePath);
            using var reader = new TarReader(decompressed, leaveOpen: false);
            var context = new ArchiveContext(tree, archivePath, spoolDirectory, origin, warn);
            while (reader.GetNextEntry(copyData: false) is { } entry)
            {
                lastName = entry.Name;
                context.Add(entry);
            }
        }
        catch (OciBundleException)
        {
            throw;
        }
        catch (NotSupportedException e)
        {
            // The BCL's reader refuses some GNU entry types itself (sparse files), before we see them.
            var name = lastName is null ? "its first entry" : $"the entry after {lastName}";
            var type = System.Text.RegularExpressions.Regex.Match(e.Message, "'([A-Za-z]+)'") is { Success: true } m ? m.Groups[1].Value : "unknown";
            throw new OciBundleException(Diagnostic.Error(Messages.UnsupportedArchiveEntry, null, archivePath, name, type), e);
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or FormatException or SharpZipBaseException or ArgumentException)
        {
            throw new OciBundleException(Diagnostic.Error(Messages.CorruptArchive, null, archivePath, e.Message), e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OciBundleException(Diagnostic.Error(Messages.UnreadableInput, null, origin, archivePath, e.Message), e);
        }
    }

    /// <summary>Is this a file name <see cref="AddArchive"/> reads (case-insensitive)?</summary>
    public static bool IsSupportedArchiveName(string path) => CompressionOf(path) is not null;

    private static Stream Decompress(Stream file, string archivePath) => CompressionOf(archivePath) switch
    {
        ".tar" => file,
        ".gz" => new GZipStream(file, CompressionMode.Decompress, leaveOpen: false),
        ".bz2" => new BZip2InputStream(file) { IsStreamOwner = true },
        _ => throw new ArgumentException($"'{archivePath}' is not a .tar, .tar.gz, .tgz or .tar.bz2 file.", nameof(archivePath)),
    };

    private static string? CompressionOf(string path)
    {
        bool Ends(string suffix) => path.EndsWith(suffix, StringComparison.OrdinalIgnoreCase);
        return Ends(".tar") ? ".tar"
            : Ends(".tar.gz") || Ends(".tgz") ? ".gz"
            : Ends(".tar.bz2") ? ".bz2"
            : null;
    }
}
