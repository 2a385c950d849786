using System.IO.Compression;

namespace OciBundle.Rootfs;

/// <summary>
/// gzip whose header does not depend on the building machine. The BCL already writes mtime 0;
/// the OS byte (offset 9) comes from zlib's build and differs between Windows and Unix, so it is
/// rewritten to 3 (Unix) on the way out. The compressed bytes depend on the zlib the runtime
/// ships (zlib, or zlib-ng from .NET 9), so builds compare equal on one runtime version. The zlib
/// level of each <see cref="CompressionLevel"/> is chosen by <see cref="ZlibLevels"/>.
/// <see cref="ParallelGzipStream"/> uses this only where the package carries no libdeflate
/// (<see cref="LibdeflateMembers"/>: not Linux x64 or arm64) and for <c>NoCompression</c>.
/// </summary>
public static class ReproducibleGzip
{
    public const byte UnixOperatingSystem = 3;

    public static Stream Create(Stream output, CompressionLevel level, bool leaveOpen) =>
        ZlibLevels.Open(new GzipHeaderPatchingStream(output, leaveOpen), level);
}
