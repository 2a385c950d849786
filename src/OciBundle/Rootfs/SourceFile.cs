using OciBundle.Platform;

namespace OciBundle.Rootfs;

/// <summary>Opens the host file behind a rootfs entry, turning I/O failures into OCIB3004 (OCIB3030 for a file that is not a regular one).</summary>
internal static class SourceFile
{
    /// <summary>A sequential-scan stream of exactly <see cref="RootfsEntry.Size"/> bytes (see <see cref="SizeCheckedReadStream"/>).</summary>
    public static SizeCheckedReadStream OpenChecked(string source, RootfsEntry item)
    {
        FileStream file;
        try
        {
            // Unbuffered (size 0): the tar writer reads in large chunks already, and a 64 KiB buffer per file
            // would be thousands of buffers of garbage over a large tree.
            file = InputFiles.OpenRead(source, bufferSize: 0, FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw InputFiles.Unreadable(item.Origin, source, e);
        }

        return new SizeCheckedReadStream(file, item.Size, item.Origin);
    }
}
