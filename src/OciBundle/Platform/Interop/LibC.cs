using System.Runtime.InteropServices;

namespace OciBundle.Platform.Interop;

/// <summary>
/// The few libc calls the BCL does not offer: statx (inode numbers, link counts and file types),
/// link (hard links), lchown (owners without following links), utimensat (a link's own mtime),
/// open, syncfs and fsync on folders (so staged outputs are on disk before they are renamed in),
/// copy_file_range (members copied from the previous output in the kernel) and sync_file_range
/// (starting an output's writeback early).
/// Callers check <see cref="OperatingSystem.IsLinux"/> and fall back when an entry point is missing.
/// </summary>
internal static unsafe partial class LibC
{
    private const string Library = "libc";

    public const int AtFdCwd = -100;
    public const int AtSymlinkNoFollow = 0x100;
    public const int AtEmptyPath = 0x1000;
    public const uint StatxBasicStats = 0x7ff;

    [LibraryImport(Library, EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Statx(int dirFd, string path, int flags, uint mask, byte* buffer);

    public const int ORdOnly = 0;
    public const int ODirectory = 0x10000; // 0200000 on x86, x86-64 and arm64 alike
    public const int OCloExec = 0x80000;

    [LibraryImport(Library, EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Open(string path, int flags);

    [LibraryImport(Library, EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport(Library, EntryPoint = "syncfs", SetLastError = true)]
    public static partial int SyncFs(int fd);

    [LibraryImport(Library, EntryPoint = "fsync", SetLastError = true)]
    public static partial int FSync(int fd);

    [LibraryImport(Library, EntryPoint = "link", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Link(string existingPath, string newPath);

    [LibraryImport(Library, EntryPoint = "lchown", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int LChown(string path, uint owner, uint group);

    /// <param name="times">Two timespecs (access, modification), each a pair of C longs (seconds, nanoseconds).</param>
    [LibraryImport(Library, EntryPoint = "utimensat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int UTimensAt(int dirFd, string path, nint* times, int flags);

    [LibraryImport(Library, EntryPoint = "copy_file_range", SetLastError = true)]
    public static partial nint CopyFileRange(int inFd, long* inOffset, int outFd, long* outOffset, nuint length, uint flags);

    public const uint SyncFileRangeWrite = 2;

    [LibraryImport(Library, EntryPoint = "sync_file_range", SetLastError = true)]
    public static partial int SyncFileRange(int fd, long offset, long length, uint flags);
}
