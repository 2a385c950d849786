using OciBundle.Diagnostics;
using OciBundle.Platform.Interop;

namespace OciBundle.Platform;

/// <summary>
/// The one home for opening a file the project names (a JSON input, a rootfs file, the base
/// archive, a sysroot or publish file). Every such file is checked to be a regular file, links
/// followed, just before it is opened: opening a fifo blocks until a writer comes, and a device
/// such as /dev/zero never ends, so either would hang the build or fill the memory.
/// </summary>
public static class InputFiles
{
    /// <summary>The largest JSON input (seccomp profile, plugin config) read: far above any real one, far below harm.</summary>
    public const int MaxJsonBytes = 4 * 1024 * 1024;

    private const string Missing = "it does not exist";

    /// <summary>
    /// Null when <paramref name="path"/> is a regular file (a symbolic link to one counts);
    /// otherwise why not, as a clause for a message: "it does not exist", "it is a fifo, not a
    /// regular file", "it is a symbolic link to 'x', which does not exist".
    /// </summary>
    public static string? WhyNotRegularFile(string path)
    {
        try
        {
            if (StatxInfo.TryGet(path, followLinks: true) is { } stat)
            {
                return stat.IsRegularFile ? null : $"it is a {stat.FileTypeName}, not a regular file";
            }

            // Without statx (not Linux): only folders can be told apart.
            return Directory.Exists(path) ? "it is a folder, not a regular file" : File.Exists(path) ? null : Missing;
        }
        catch (FileNotFoundException)
        {
            return DanglingLinkTarget(path) is { } target ? $"it is a symbolic link to '{target}', which does not exist" : Missing;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Cannot tell (no permission on a folder on the way, a link loop): not a special file
            // we know of, so the open itself fails next, with the system's own reason.
            return null;
        }
    }

    /// <summary>The target of <paramref name="path"/> when it is a symbolic link whose final target is missing; else null.</summary>
    public static string? DanglingLinkTarget(string path)
    {
        try
        {
            var info = new FileInfo(path);
            return info.LinkTarget is { } target && info.ResolveLinkTarget(returnFinalTarget: true) is { Exists: false } ? target : null;
        }
        catch (IOException)
        {
            return null; // a link loop, say: the caller reports the path as unreadable
        }
    }

    /// <summary>Opens a regular file for reading; an <see cref="IOException"/> saying why not for anything else.</summary>
    public static FileStream OpenRead(string path, int bufferSize = 4096, FileOptions options = FileOptions.None)
    {
        ThrowUnlessRegularFile(path);
        return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize, options);
    }

    /// <summary>Throws an <see cref="IOException"/> with the reason when <paramref name="path"/> is not a regular file.</summary>
    public static void ThrowUnlessRegularFile(string path)
    {
        switch (WhyNotRegularFile(path))
        {
            case null:
                return;
            case Missing:
                throw new FileNotFoundException(Missing, path);
            case var reason:
                throw new NotRegularFileException(reason);
        }
    }

    /// <summary>
    /// Reads a JSON input a property names, at most <see cref="MaxJsonBytes"/>; reports an
    /// unreadable or special file with the property's own code, a larger one with OCIB3031.
    /// </summary>
    /// <param name="unreadableText">The catalogue text to report with: {0} the value as written, {1} the full path, {2} the reason.</param>
    public static byte[]? TryReadJson(string propertyName, string shownName, string filePath, SourceLocation? propertyLocation, DiagnosticBag diagnostics, string unreadableText)
    {
        try
        {
            using var stream = OpenRead(filePath, bufferSize: 0);
            if (stream.Length > MaxJsonBytes)
            {
                diagnostics.Error(Messages.JsonInputTooLarge, propertyLocation, propertyName, shownName, stream.Length, MaxJsonBytes);
                return null;
            }

            // Read one byte past the cap: the file may grow between the length and the read.
            var buffer = new byte[MaxJsonBytes + 1];
            var read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
            if (read > MaxJsonBytes)
            {
                diagnostics.Error(Messages.JsonInputTooLarge, propertyLocation, propertyName, shownName, "more than " + MaxJsonBytes, MaxJsonBytes);
                return null;
            }

            return buffer[..read];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            var reason = e is FileNotFoundException or DirectoryNotFoundException ? Missing : e.Message;
            diagnostics.Error(unreadableText, propertyLocation, shownName, filePath, reason);
            return null;
        }
    }

    /// <summary>
    /// The diagnostic for a host input that failed to open or read while <paramref name="origin"/>
    /// (an item, OciBaseRootfs, OciSysroot) was placed: OCIB3030 for a file that is not a regular
    /// one, OCIB3004 for anything else.
    /// </summary>
    public static OciBundleException Unreadable(string origin, string path, Exception e) =>
        new(Diagnostic.Error(e is NotRegularFileException ? Messages.InputNotRegularFile : Messages.UnreadableInput, null, origin, path, e.Message.TrimEnd('.')), e);

    /// <summary>A file that is not a regular one; the message is the reason, ready for a diagnostic.</summary>
    public sealed class NotRegularFileException(string reason) : IOException(reason);
}
