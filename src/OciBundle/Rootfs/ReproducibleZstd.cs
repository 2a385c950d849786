using System.IO.Compression;
using ZstdSharp;
using ZstdSharp.Unsafe;

namespace OciBundle.Rootfs;

/// <summary>
/// zstd (OciRootfsFormat=tar.zst) on several cores with bytes that do not depend on how many:
/// zstd's own multi-threaded mode cuts the input into jobs by its parameters alone, so one worker
/// or sixteen write the same frame (checked by a unit test, and by writes of any sizes). The frame
/// carries a content checksum, so `zstd -t` and `tar --zstd -x` catch a damaged file. Levels, by
/// measurement on a copy of /usr/share/dotnet (docs/performance.md): Optimal is zstd's default 3
/// (0.91× the size of pigz -6 for under a quarter of its CPU), Fastest 1, SmallestSize 19.
/// </summary>
public static class ReproducibleZstd
{
    public const int OptimalLevel = 3;
    public const int FastestLevel = 1;
    public const int SmallestSizeLevel = 19;

    /// <summary>The zstd level this SDK uses for <paramref name="level"/>.</summary>
    public static int Numeric(CompressionLevel level) => level switch
    {
        CompressionLevel.Fastest => FastestLevel,
        CompressionLevel.SmallestSize => SmallestSizeLevel,
        _ => OptimalLevel,
    };

    /// <param name="workers">Compression threads; 0 means one per processor (at most 16). Changes speed and memory, never the bytes.</param>
    public static Stream Create(Stream output, CompressionLevel level, bool leaveOpen, int workers = 0)
    {
        var stream = new CompressionStream(output, Numeric(level), leaveOpen: leaveOpen);
        try
        {
            // Always at least one worker: zstd's single-threaded mode frames the data differently.
            stream.SetParameter(ZSTD_cParameter.ZSTD_c_nbWorkers, workers > 0 ? workers : Math.Clamp(Environment.ProcessorCount, 1, 16));
            stream.SetParameter(ZSTD_cParameter.ZSTD_c_checksumFlag, 1);
            return stream;
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }
}
