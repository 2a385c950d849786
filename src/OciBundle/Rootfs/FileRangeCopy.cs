using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using OciBundle.Platform.Interop;

namespace OciBundle.Rootfs;

/// <summary>A stream that can take bytes by copying them from another open file, without them passing through this process.</summary>
public interface IFileRangeTarget
{
    /// <summary>Appends <paramref name="length"/> bytes of <paramref name="source"/> from <paramref name="offset"/>.</summary>
    void CopyFrom(SafeFileHandle source, long offset, int length);
}

/// <summary>
/// Copies a range of one file into another: by <c>copy_file_range</c> on Linux (the kernel copies
/// page-cache pages, or shares extents where the file system can), else, and whenever the kernel
/// says it cannot for these two files (EXDEV: other file systems on kernels before 5.3 or after
/// 5.18 for some; ENOSYS: no such call; EOPNOTSUPP, EINVAL: a file system or file kind without
/// it), by reads and writes through a buffer. Either way the same bytes land.
/// </summary>
internal static class FileRangeCopy
{
    private const int EXDEV = 18;
    private const int EINVAL = 22;
    private const int ENOSYS = 38;
    private const int EOPNOTSUPP = 95;

    // Set once the call turns out to be missing (ENOSYS, no entry point): not retried per member.
    private static bool s_unavailable;

    /// <summary>Whether an errno from copy_file_range means "not for these files": the copy falls back to read and write.</summary>
    internal static bool FallsBack(int errno) => errno is EXDEV or EINVAL or ENOSYS or EOPNOTSUPP;

    /// <summary>
    /// Copies <paramref name="length"/> bytes from <paramref name="sourceOffset"/> of
    /// <paramref name="source"/> to <paramref name="targetOffset"/> of <paramref name="target"/>.
    /// Throws <see cref="IOException"/> when the source ends first or a call fails otherwise.
    /// Returns whether the kernel copied them (false: the fallback did).
    /// </summary>
    /// <param name="inKernel">False forces the fallback (tests).</param>
    public static bool Copy(SafeFileHandle source, long sourceOffset, SafeFileHandle target, long targetOffset, long length, bool inKernel = true)
    {
        var copied = 0L;
        if (inKernel && OperatingSystem.IsLinux() && !s_unavailable)
        {
            copied = CopyInKernel(source, sourceOffset, target, targetOffset, length);
            if (copied == length)
            {
                return true;
            }
        }

        CopyThroughBuffer(source, sourceOffset + copied, target, targetOffset + copied, length - copied);
        return false;
    }

    /// <summary>Copies by copy_file_range until done or the kernel declines; returns how many bytes it copied.</summary>
    private static unsafe long CopyInKernel(SafeFileHandle source, long sourceOffset, SafeFileHandle target, long targetOffset, long length)
    {
        bool sourceAdded = false, targetAdded = false;
        try
        {
            source.DangerousAddRef(ref sourceAdded);
            target.DangerousAddRef(ref targetAdded);
            var (inFd, outFd) = ((int)source.DangerousGetHandle(), (int)target.DangerousGetHandle());
            var copied = 0L;
            while (copied < length)
            {
                long inOffset = sourceOffset + copied, outOffset = targetOffset + copied;
                nint n;
                try
                {
                    n = LibC.CopyFileRange(inFd, &inOffset, outFd, &outOffset, (nuint)(length - copied), 0);
                }
                catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
                {
                    s_unavailable = true;
                    return copied;
                }

                if (n < 0)
                {
                    var errno = Marshal.GetLastPInvokeError();
                    if (errno == ENOSYS)
                    {
                        s_unavailable = true;
                    }

                    if (FallsBack(errno))
                    {
                        return copied;
                    }

                    throw new IOException($"copy_file_range failed with errno {errno}");
                }

                if (n == 0)
                {
                    throw new IOException("The file to copy from ended before the range to copy.");
                }

                copied += n;
            }

            return copied;
        }
        finally
        {
            if (targetAdded)
            {
                target.DangerousRelease();
            }

            if (sourceAdded)
            {
                source.DangerousRelease();
            }
        }
    }

    private static void CopyThroughBuffer(SafeFileHandle source, long sourceOffset, SafeFileHandle target, long targetOffset, long length)
    {
        var buffer = new byte[(int)Math.Min(length, 1 << 20)];
        for (var done = 0L; done < length;)
        {
            var want = (int)Math.Min(buffer.Length, length - done);
            var n = RandomAccess.Read(source, buffer.AsSpan(0, want), sourceOffset + done);
            if (n <= 0)
            {
                throw new IOException("The file to copy from ended before the range to copy.");
            }

            RandomAccess.Write(target, buffer.AsSpan(0, n), targetOffset + done);
            done += n;
        }
    }
}
