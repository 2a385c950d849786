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
