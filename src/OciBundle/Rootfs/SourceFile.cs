using OciBundle.Diagnostics;

namespace OciBundle.Rootfs;

/// <summary>Opens the host file behind a rootfs entry, turning I/O failures into OCIB3004.</summary>
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
            file = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OciBundleException(Diagnostic.Error(Messages.UnreadableInput, null, item.Origin, source, e.Message), e);
        }

        return new SizeCheckedReadStream(file, item.Size, item.Origin);
    }
}
