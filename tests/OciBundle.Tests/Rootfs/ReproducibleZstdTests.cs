using System.IO.Compression;
using OciBundle.Rootfs;

namespace OciBundle.Tests.Rootfs;

/// <summary>rootfs.tar.zst's compressor: the same bytes on any number of cores and for any write sizes, and a frame GNU tar and zstd read back.</summary>
public class ReproducibleZstdTests
{
    /// <summary>Several MiB of text and noise, enough for zstd's multi-threaded mode to cut more than one job.</summary>
    private static readonly byte[] Content = MakeContent();

    [Theory]
    [InlineData(CompressionLevel.Optimal)]
    [InlineData(CompressionLevel.Fastest)]
    public void Bytes_do_not_depend_on_workers_or_write_sizes(CompressionLevel level)
    {
        var expected = Compress(level, workers: 1, seed: 0);
        foreach (var (workers, seed) in new[] { (2, 1), (3, 2), (7, 3) })
        {
            Assert.Equal(expected, Compress(level, workers, seed));
        }
    }

    [Fact]
    public void Round_trips_through_ZstdSharp_with_a_checksummed_frame()
    {
        var compressed = Compress(CompressionLevel.Optimal, workers: 2, seed: 4);
        Assert.Equal([0x28, 0xb5, 0x2f, 0xfd], compressed[..4]);
        Assert.Equal(0x04, compressed[4] & 0x04); // Frame_Header_Descriptor: Content_Checksum_flag
        using var decompressed = new MemoryStream();
        using (var zstd = new ZstdSharp.DecompressionStream(new MemoryStream(compressed)))
        {
            zstd.CopyTo(decompressed);
        }

        Assert.Equal(Content, decompressed.ToArray());
    }

    [Fact]
    public void Levels_are_zstd_s_3_1_and_19()
    {
        Assert.Equal(3, ReproducibleZstd.Numeric(CompressionLevel.Optimal));
        Assert.Equal(1, ReproducibleZstd.Numeric(CompressionLevel.Fastest));
        Assert.Equal(19, ReproducibleZstd.Numeric(CompressionLevel.SmallestSize));
    }

    private static byte[] Compress(CompressionLevel level, int workers, int seed)
    {
        using var output = new MemoryStream();
        using (var zstd = ReproducibleZstd.Create(output, level, leaveOpen: true, workers))
        {
            var random = new Random(seed);
            for (var offset = 0; offset < Content.Length;)
            {
                var count = Math.Min(random.Next(1, 300_000), Content.Length - offset);
                zstd.Write(Content, offset, count);
                offset += count;
            }
        }

        return output.ToArray();
    }

    private static byte[] MakeContent()
    {
        var random = new Random(42);
        var bytes = new byte[12 << 20];
        for (var i = 0; i < bytes.Length; i += 4096)
        {
            if (i / 4096 % 5 == 0)
            {
                random.NextBytes(bytes.AsSpan(i, 4096)); // incompressible stretches
            }
            else
            {
                System.Text.Encoding.ASCII.GetBytes($"block {i / 4096 % 97} of a text that repeats {random.Next(10)} ".PadRight(4096, '.')).CopyTo(bytes, i);
            }
        }

        return bytes;
    }
}
