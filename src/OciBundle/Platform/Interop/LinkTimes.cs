namespace OciBundle.Platform.Interop;

/// <summary>
/// Sets a symbolic link's own mtime. The BCL's time setters may follow the link, which would touch
/// a host file or fail on a dangling link, so this calls utimensat with AT_SYMLINK_NOFOLLOW.
/// </summary>
internal static class LinkTimes
{
    private const long OmitNanoseconds = (1L << 30) - 2; // UTIME_OMIT: leave the access time alone

    private static bool s_unavailable;

    /// <summary>Best effort: on other systems, or where libc lacks it, the link keeps its creation time.</summary>
    public static unsafe void SetWithoutFollowing(string path, long mtimeSeconds)
    {
        if (!OperatingSystem.IsLinux() || s_unavailable || mtimeSeconds > nint.MaxValue)
        {
            return;
        }

        // struct timespec[2] { access, modification }, each { time_t seconds; long nanoseconds }.
        var times = stackalloc nint[4] { 0, (nint)OmitNanoseconds, (nint)mtimeSeconds, 0 };
        try
        {
            if (LibC.UTimensAt(LibC.AtFdCwd, path, times, LibC.AtSymlinkNoFollow) != 0)
            {
                throw new IOException($"utimensat failed with errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()}");
            }
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            s_unavailable = true;
        }
    }
}
