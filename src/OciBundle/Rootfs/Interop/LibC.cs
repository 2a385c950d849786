using System.Runtime.InteropServices;

namespace OciBundle.Rootfs.Interop;

/// <summary>
/// The few libc calls the BCL does not offer: statx (inode numbers, link counts and file types),
/// link (hard links), lchown (owners without following links) and utimensat (a link's own mtime).
/// Callers check <see cref="OperatingSystem.IsLinux"/> and fall back when an entry point is missing.
/// </summary>
internal static unsafe partial class LibC
{
    private const string Library = "libc";

    public const int AtFdCwd = -100;
    public const int AtSymlinkNoFollow = 0x100;
    public const uint StatxBasicStats = 0x7ff;

    [LibraryImport(Library, EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Statx(int dirFd, string path, int flags, uint mask, byte* buffer);

    [LibraryImport(Library, EntryPoint = "link", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Link(string existingPath, string newPath);

    [LibraryImport(Library, EntryPoint = "lchown", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int LChown(string path, uint owner, uint group);

    /// <param name="times">Two timespecs (access, modification), each a pair of C longs (seconds, nanoseconds).</param>
    [LibraryImport(Library, EntryPoint = "utimensat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int UTimensAt(int dirFd, string path, nint* times, int flags);
}
