using System.IO.Compression;
using OciBundle.Rootfs;
using OciBundle.Tests.Support;

namespace OciBundle.Tests.Rootfs;

public class ParallelGzipStreamTests
{
    private const int BlockSize = ParallelGzipStream.BlockSize;

    [Theory]
    [InlineData(CompressionLevel.Optimal)]
    [InlineData(CompressionLevel.Fastest)]
    [InlineData(CompressionLevel.SmallestSize)]
    public void Output_is_the_same_for_any_number_of_workers_and_any_write_sizes(CompressionLevel level)
    {
        var input = MixedContent((3 * BlockSize) + 12345);
        var single = Compress(input, level, workers: 1, writeSize: input.Length);

        Assert.Equal(single, Compress(input, level, workers: 2, writeSize: 4097));
        Assert.Equal(single, Compress(input, level, workers: 4, writeSize: 1));
        Assert.Equal(single, Compress(input, level, workers: 7, writeSize: BlockSize + 1));
        Assert.Equal(single, Compress(input, level, workers: 0, writeSize: 65536));
    }

    [Fact]
    public void Output_is_one_reproducible_gzip_member_per_block_in_order()
    {
        // Each block compressed alone by what the stream uses here: libdeflate where the package
        // carries it (Linux x64 and arm64), else the runtime's zlib.
        var input = MixedContent((2 * BlockSize) + 100);
        var expected = new MemoryStream();
        using var libdeflate = LibdeflateMembers.For(CompressionLevel.Optimal);
        for (var offset = 0; offset < input.Length; offset += BlockSize)
        {
            var block = input.AsSpan(offset, Math.Min(BlockSize, input.Length - offset));
            if (libdeflate is not null)
            {
                var member = new byte[BlockSize * 2];
                expected.Write(member, 0, libdeflate.Compress(block, member));
            }
            else
            {
                using var member = ReproducibleGzip.Create(expected, CompressionLevel.Optimal, leaveOpen: true);
                member.Write(block);
            }
        }

        Assert.Equal(expected.ToArray(), Compress(input, CompressionLevel.Optimal, workers: 3, writeSize: 10000));
    }

    [Theory]
    [InlineData(CompressionLevel.Optimal)]
    [InlineData(CompressionLevel.Fastest)]
    [InlineData(CompressionLevel.SmallestSize)]
    public void Without_libdeflate_each_block_is_the_runtimes_reproducible_gzip(CompressionLevel level)
    {
        // What Windows, macOS and musl machines write: tested here too, where libdeflate is carried.
        var input = MixedContent((2 * BlockSize) + 100);
        var expected = new MemoryStream();
        for (var offset = 0; offset < input.Length; offset += BlockSize)
        {
            using var member = ReproducibleGzip.Create(expected, level, leaveOpen: true);
            member.Write(input, offset, Math.Min(BlockSize, input.Length - offset));
        }

        using var output = new MemoryStream();
        using (var gzip = new ParallelGzipStream(output, level, workers: 3, leaveOpen: true, cache: null, indexAs: null, libdeflate: null))
        {
            for (var offset = 0; offset < input.Length; offset += 10000)
            {
                gzip.Write(input, offset, Math.Min(10000, input.Length - offset));
            }
        }

        Assert.Equal(expected.ToArray(), output.ToArray());
        Assert.Equal(input, Decompress(output.ToArray()));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(BlockSize)]
    [InlineData(BlockSize * 2)]
    [InlineData((BlockSize * 2) + 1)]
    public void Round_trips_through_GZipStream_which_reads_every_member(int length)
    {
        var input = MixedContent(length);
        var compressed = Compress(input, CompressionLevel.Fastest, workers: 2, writeSize: 8192);

        Assert.Equal([0x1f, 0x8b, 8, 0, 0, 0, 0, 0], compressed[..8]); // even empty input gives one member
        Assert.Equal(ReproducibleGzip.UnixOperatingSystem, compressed[9]);
        Assert.Equal(input, Decompress(compressed));
    }

    [Theory]
    [InlineData(CompressionLevel.Optimal)]
    [InlineData(CompressionLevel.Fastest)]
    [InlineData(CompressionLevel.SmallestSize)]
    public void Incompressible_blocks_fit_the_member_buffer(CompressionLevel level)
    {
        var input = new byte[(2 * BlockSize) + 3];
        new Random(7).NextBytes(input);

        Assert.Equal(input, Decompress(Compress(input, level, workers: 2, writeSize: input.Length)));
    }

    [Fact]
    public void Flush_does_not_change_the_bytes()
    {
        var input = MixedContent(BlockSize + 5000);
        using var output = new MemoryStream();
        using (var gzip = new ParallelGzipStream(output, CompressionLevel.Optimal, workers: 2, leaveOpen: true))
        {
            for (var offset = 0; offset < input.Length; offset += 3000)
            {
                gzip.Write(input, offset, Math.Min(3000, input.Length - offset));
                gzip.Flush();
            }
        }

        Assert.Equal(Compress(input, CompressionLevel.Optimal, workers: 1, writeSize: input.Length), output.ToArray());
    }

    [Fact]
    public void GNU_gzip_accepts_the_member_written_for_empty_input()
    {
        using var temp = new TempDirectory();
        var path = temp.Combine("empty.gz");
        File.WriteAllBytes(path, Compress([], CompressionLevel.Optimal, workers: 1, writeSize: 1));

        ProcessRunner.Run("gzip", "-t", path).EnsureSuccess();
        Assert.Equal("", ProcessRunner.Run("gzip", "-dc", path).EnsureSuccess());
    }

    [Fact]
    public void Output_is_closed_unless_left_open()
    {
        var open = new MemoryStream();
        new ParallelGzipStream(open, CompressionLevel.Fastest, leaveOpen: true).Dispose();
        Assert.True(open.CanWrite);

        var closed = new MemoryStream();
        new ParallelGzipStream(closed, CompressionLevel.Fastest).Dispose();
        Assert.False(closed.CanWrite);
    }

    [Fact]
    public void GNU_gzip_and_tar_accept_a_parallel_tarball_and_find_every_file()
    {
        using var temp = new TempDirectory();
        var source = temp.Combine("source");
        Directory.CreateDirectory(Path.Combine(source, "lib"));
        File.WriteAllBytes(Path.Combine(source, "lib/big.bin"), MixedContent((2 * BlockSize) + 777));
        File.WriteAllText(Path.Combine(source, "hello.txt"), "hello\n");
        var tree = new RootfsTree();
        HostDirectoryReader.AddDirectory(tree, source, "", "test");

        var archive = temp.Combine("rootfs.tar.gz");
        using (var file = File.Create(archive))
        using (var gzip = new ParallelGzipStream(file, CompressionLevel.Optimal, workers: 2))
        using (var writer = new ReproducibleTarWriter(gzip, 0))
        {
            writer.WriteTree(tree.Sorted(), "");
        }

        ProcessRunner.Run("gzip", "-t", archive).EnsureSuccess();
        var names = ProcessRunner.Run("tar", "-tzf", archive).EnsureSuccess().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["hello.txt", "lib/", "lib/big.bin"], names);

        var extracted = temp.Combine("extracted");
        Directory.CreateDirectory(extracted);
        ProcessRunner.Run("tar", "-xzf", archive, "-C", extracted).EnsureSuccess();
        Assert.Equal(File.ReadAllBytes(Path.Combine(source, "lib/big.bin")), File.ReadAllBytes(Path.Combine(extracted, "lib/big.bin")));
    }

    /// <summary>Text-like runs mixed with pseudo-random runs, so blocks compress unevenly and some barely at all.</summary>
    internal static byte[] MixedContent(int length)
    {
        var bytes = new byte[length];
        var random = new Random(42);
        for (var offset = 0; offset < length; offset += 50_000)
        {
            var span = bytes.AsSpan(offset, Math.Min(50_000, length - offset));
            if (offset / 50_000 % 3 == 2)
            {
                random.NextBytes(span);
            }
            else
            {
                for (var i = 0; i < span.Length; i++)
                {
                    span[i] = (byte)"the quick brown fox jumps over the lazy dog\n"[(offset + i) % 44];
                }
            }
        }

        return bytes;
    }

    private static byte[] Compress(byte[] input, CompressionLevel level, int workers, int writeSize)
    {
        using var output = new MemoryStream();
        using (var gzip = new ParallelGzipStream(output, level, workers, leaveOpen: true))
        {
            for (var offset = 0; offset < input.Length; offset += writeSize)
            {
                gzip.Write(input, offset, Math.Min(writeSize, input.Length - offset));
            }
        }

        return output.ToArray();
    }

    internal static byte[] Decompress(byte[] compressed)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress))
        {
            gzip.CopyTo(output);
        }

        return output.ToArray();
    }
}
