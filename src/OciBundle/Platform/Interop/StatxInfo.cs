using System.Runtime.InteropServices;

namespace OciBundle.Platform.Interop;

/// <summary>What <c>statx</c> says about one path, without following a final symbolic link unless asked to.</summary>
internal readonly record struct StatxInfo(
    uint LinkCount, int Mode, ulong Inode, uint DeviceMajor, uint DeviceMinor,
    long Size, long MtimeSeconds, uint MtimeNanoseconds, long CtimeSeconds, uint CtimeNanoseconds)
{
    private const int FileTypeMask = 0xF000;
    private const int RegularFileType = 0x8000;

    // Set once statx turns out to be missing, so a large tree does not retry it per file.
    private static bool s_unavailable;

    public int FileType => Mode & FileTypeMask;

    public bool IsRegularFile => FileType == RegularFileType;

    /// <summary>Permission bits, including setuid, setgid and sticky.</summary>
    public int Permissions => Mode & 0xFFF;

    /// <summary>Names a file type for messages: "socket", "fifo", "character device"...</summary>
    public string FileTypeName => FileType switch
    {
        0xC000 => "socket",
        0x1000 => "fifo",
        0x2000 => "character device",
        0x6000 => "block device",
        0x4000 => "folder",
        0xA000 => "symbolic link",
        RegularFileType => "file",
        _ => $"file of type 0{Convert.ToString(FileType >> 12, 8)}",
    };

    /// <summary>
    /// Calls statx. Returns null where it cannot: not Linux, a libc without statx (glibc before
    /// 2.28) or a kernel without it (ENOSYS) — the caller then does without hard-link detection.
    /// Throws <see cref="IOException"/> when statx runs but fails for the path itself.
    /// </summary>
    public static StatxInfo? TryGet(string path, bool followLinks = false) => TryGet(LibC.AtFdCwd, path, followLinks ? 0 : LibC.AtSymlinkNoFollow);

    /// <summary>The same, of an open file (<c>AT_EMPTY_PATH</c>): the file the handle holds, whatever its path is now.</summary>
    public static StatxInfo? TryGet(Microsoft.Win32.SafeHandles.SafeFileHandle file)
    {
        var added = false;
        try
        {
            file.DangerousAddRef(ref added);
            return TryGet((int)file.DangerousGetHandle(), "", LibC.AtEmptyPath);
        }
        finally
        {
            if (added)
            {
                file.DangerousRelease();
            }
        }
    }

    private static unsafe StatxInfo? TryGet(int dirFd, string path, int flags)
    {
        if (!OperatingSystem.IsLinux() || s_unavailable)
        {
            return null;
        }

        // struct statx is the same on every architecture: 256 bytes, fields at fixed offsets.
        var buffer = stackalloc byte[256];
        int result;
        try
        {
            result = LibC.Statx(dirFd, path, flags, LibC.StatxBasicStats, buffer);
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            s_unavailable = true;
            return null;
        }

        if (result != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            const int ENOSYS = 38;
            if (errno == ENOSYS)
            {
                s_unavailable = true;
                return null;
            }

            const int ENOENT = 2;
            if (errno == ENOENT)
            {
                throw new FileNotFoundException($"'{path}' does not exist", path);
            }

            throw new IOException($"statx failed with errno {errno}");
        }

        // Fields are in the machine's own byte order, which MemoryMarshal.Read uses too.
        var span = new ReadOnlySpan<byte>(buffer, 256);
        return new StatxInfo(
            LinkCount: MemoryMarshal.Read<uint>(span[16..]),
            Mode: MemoryMarshal.Read<ushort>(span[28..]),
            Inode: MemoryMarshal.Read<ulong>(span[32..]),
            DeviceMajor: MemoryMarshal.Read<uint>(span[136..]),
            DeviceMinor: MemoryMarshal.Read<uint>(span[140..]),
            Size: MemoryMarshal.Read<long>(span[40..]),
            // Timestamps are {s64 sec; u32 nsec; s32 pad}: ctime at 96, mtime at 112.
            MtimeSeconds: MemoryMarshal.Read<long>(span[112..]),
            MtimeNanoseconds: MemoryMarshal.Read<uint>(span[120..]),
            CtimeSeconds: MemoryMarshal.Read<long>(span[96..]),
            CtimeNanoseconds: MemoryMarshal.Read<uint>(span[104..]));
    }
}
