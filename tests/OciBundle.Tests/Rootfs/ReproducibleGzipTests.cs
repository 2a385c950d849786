using System.IO.Compression;
using OciBundle.Rootfs;

namespace OciBundle.Tests.Rootfs;

public class ReproducibleGzipTests
{
    [Theory]
    [InlineData(CompressionLevel.Optimal)]
    [InlineData(CompressionLevel.Fastest)]
    [InlineData(CompressionLevel.SmallestSize)]
    public void Header_has_mtime_zero_and_os_unix_and_round_trips(CompressionLevel level)
    {
        var content = "hello, reproducible world\n"u8.ToArray();
        using var output = new MemoryStream();
        using (var gzip = ReproducibleGzip.Create(output, level, leaveOpen: true))
        {
            gzip.Write(content);
        }

        var bytes = output.ToArray();
        Assert.Equal([0x1f, 0x8b, 8], bytes[..3]);
        Assert.Equal(new byte[4], bytes[4..8]);
        Assert.Equal(ReproducibleGzip.UnixOperatingSystem, bytes[9]);

        using var decompressed = new MemoryStream();
        using (var reader = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress))
        {
            reader.CopyTo(decompressed);
        }

        Assert.Equal(content, decompressed.ToArray());
    }

    /// <summary>Each level is the zlib level docs/performance.md chose by measurement, not the runtime's mapping (whose Fastest is zlib-ng's weaker level 1).</summary>
    [Theory]
    [InlineData(CompressionLevel.Optimal, 4)]
    [InlineData(CompressionLevel.Fastest, 2)]
    [InlineData(CompressionLevel.SmallestSize, 9)]
    public void Each_level_is_the_measured_zlib_level(CompressionLevel level, int zlibLevel)
    {
        var content = Enumerable.Range(0, 200_000).SelectMany(i => System.Text.Encoding.ASCII.GetBytes($"line {i * 7919 % 10007} of a text that repeats with variations {i % 13}\n")).ToArray();
        using var ours = new MemoryStream();
        using (var gzip = ReproducibleGzip.Create(ours, level, leaveOpen: true))
        {
            gzip.Write(content);
        }

        using var expected = new MemoryStream();
        using (var gzip = new GZipStream(expected, new ZLibCompressionOptions { CompressionLevel = zlibLevel }, leaveOpen: true))
        {
            gzip.Write(content);
        }

        var expectedBytes = expected.ToArray();
        expectedBytes[9] = ReproducibleGzip.UnixOperatingSystem;
        Assert.Equal(expectedBytes, ours.ToArray());
    }

    [Fact]
    public void Output_is_closed_unless_left_open()
    {
        var open = new MemoryStream();
        ReproducibleGzip.Create(open, CompressionLevel.Fastest, leaveOpen: true).Dispose();
        Assert.True(open.CanWrite);

        var closed = new MemoryStream();
        ReproducibleGzip.Create(closed, CompressionLevel.Fastest, leaveOpen: false).Dispose();
        Assert.False(closed.CanWrite);
    }
}
