using System.Runtime.InteropServices;
using OciBundle.Diagnostics;
using OciBundle.Platform.Interop;

namespace OciBundle.Output;

/// <summary>
/// Puts written data on disk before it is renamed into place, so a crash or power loss after
/// the rename never leaves a bundle name pointing at empty or half-written data, and a full disk
/// shows up while writing in staging, not after the old bundle is gone.
/// </summary>
internal static class Durable
{
    /// <summary>syncfs on the file system that holds <paramref name="folder"/>: every file written there, folders and all, in one call.</summary>
    public static void SyncFileSystemOf(string folder) => OnFolder(folder, LibC.SyncFs, "syncfs");

    /// <summary>fsync on a folder, so the renames into it are on disk too.</summary>
    public static void SyncFolder(string folder) => OnFolder(folder, LibC.FSync, "fsync");

    private static void OnFolder(string folder, Func<int, int> call, string name)
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // elsewhere the renames still keep the old bundle until the new one is whole
        }

        int fd;
        try
        {
            fd = LibC.Open(folder, LibC.ORdOnly | LibC.ODirectory | LibC.OCloExec);
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return;
        }

        if (fd < 0)
        {
            throw new IOException($"cannot open '{folder}' to sync it (errno {Marshal.GetLastPInvokeError()})");
        }

        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            if (call(fd) != 0)
            {
                // EIO or ENOSPC here means data written earlier did not reach the disk.
                throw new IOException($"{name} on '{folder}' failed (errno {Marshal.GetLastPInvokeError()}): the data may not be on disk");
            }
        }
        finally
        {
            LibC.Close(fd);
            BuildTimings.Current?.Add(BuildTimings.Part.Sync, started);
        }
    }
}
