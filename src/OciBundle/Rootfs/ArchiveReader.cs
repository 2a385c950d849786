using System.IO.Compression;
using ICSharpCode.SharpZipLib.BZip2;
using OciBundle.Diagnostics;

namespace OciBundle.Rootfs;

/// <summary>
/// Adds the members of a base-image tarball to the rootfs. Entries are read one by one with our
/// own <see cref="TarStreamReader"/> (the BCL's reader ends some damaged archives early without a
/// word, and decodes names that are not UTF-8 into one U+FFFD name); nothing is extracted by name,
/// so a hostile archive cannot write outside the spool folder, and file contents go to
/// counter-named spool files, not to memory.
/// </summary>
public static class ArchiveReader
{
    /// <summary>The default of OciBaseRootfsMaxSize: 4 GiB of uncompressed tar, far above a base image a bundle needs.</summary>
    public const long DefaultMaxSize = 4L << 30;

    /// <summary>
    /// Reads <paramref name="archivePath"/> (.tar, .tar.gz, .tgz or .tar.bz2, by its name) into
    /// <paramref name="tree"/>. Regular-file contents are copied to <paramref name="spoolDirectory"/>
    /// (created if missing), which must outlive the tree. Throws OCIB3003 for entries that could
    /// escape the rootfs, OCIB3009 for hard links to nothing, OCIB3005 for a damaged archive,
    /// OCIB3023 when the uncompressed tar is larger than <paramref name="maxSize"/> bytes,
    /// OCIB3024 for names that are not UTF-8, and OCIB5002 when the spool cannot be written.
    /// </summary>
    public static void AddArchive(RootfsTree tree, string archivePath, string spoolDirectory, string origin, Action<Diagnostic>? warn = null, long maxSize = DefaultMaxSize)
    {
        try
        {
            Directory.CreateDirectory(spoolDirectory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OciBundleException(Diagnostic.Error(Messages.WriteFailed, null, spoolDirectory, e.Message.TrimEnd('.')), e);
        }

        try
        {
            using var file = new FileStream(archivePath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
            using var decompressed = Decompress(file, archivePath);
            var reader = new TarStreamReader(decompressed, archivePath, origin, maxSize);
            var context = new ArchiveContext(tree, reader, archivePath, spoolDirectory, origin, warn);
            while (reader.Next() is { } entry)
            {
                context.Add(entry);
            }
        }
        catch (OciBundleException)
        {
            throw;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OciBundleException(Diagnostic.Error(Messages.UnreadableInput, null, origin, archivePath, e.Message), e);
        }
    }

    /// <summary>Is this a file name <see cref="AddArchive"/> reads (case-insensitive)?</summary>
    public static bool IsSupportedArchiveName(string path) => CompressionOf(path) is not null;

    private static Stream Decompress(Stream file, string archivePath)
    {
        try
        {
            return CompressionOf(archivePath) switch
            {
                ".tar" => file,
                ".gz" => new GZipStream(file, CompressionMode.Decompress, leaveOpen: false),
                ".bz2" => new BZip2InputStream(file) { IsStreamOwner = true },
                _ => throw new ArgumentException($"'{archivePath}' is not a .tar, .tar.gz, .tgz or .tar.bz2 file.", nameof(archivePath)),
            };
        }
        catch (Exception e) when (e is EndOfStreamException || (e is not IOException and not UnauthorizedAccessException and not OutOfMemoryException))
        {
            // The bzip2 decoder checks the stream's first bytes when it is made, before the tar reader reads.
            throw new OciBundleException(Diagnostic.Error(Messages.CorruptArchive, null, archivePath, e.Message.TrimEnd('.')), e);
        }
    }

    private static string? CompressionOf(string path)
    {
        bool Ends(string suffix) => path.EndsWith(suffix, StringComparison.OrdinalIgnoreCase);
        return Ends(".tar") ? ".tar"
            : Ends(".tar.gz") || Ends(".tgz") ? ".gz"
            : Ends(".tar.bz2") ? ".bz2"
            : null;
    }
}
