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
            file = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OciBundleException(Diagnostic.Error(Messages.UnreadableInput, null, item.Origin, source, e.Message), e);
        }

        return new SizeCheckedReadStream(file, item.Size, item.Origin);
    }
}
