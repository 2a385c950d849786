using System.Buffers.Binary;
using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using OciBundle.Platform.Interop;
using OciBundle.Rootfs;

namespace OciBundle.Tests.Rootfs;

public class LibdeflateMembersTests
{
    private static readonly bool Carried = OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.Arm64;

    [Fact]
    public void The_carried_library_loads_on_Linux_x64_and_arm64()
    {
        // Missing here would mean every bundle's bytes silently change to the runtime's zlib's.
        if (!Carried)
        {
            Assert.Null(Libdeflate.DefaultPath());
            return;
        }

        Assert.True(File.Exists(Libdeflate.DefaultPath()), $"no {Libdeflate.DefaultPath()}");
        Assert.NotNull(Libdeflate.Shared);
        Assert.StartsWith("libdeflate ", LibdeflateMembers.Compressor, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_file_or_another_library_is_not_loaded()
    {
        Assert.Null(Libdeflate.Load(null));
        Assert.Null(Libdeflate.Load("/nonexistent/libdeflate.so.0"));
        var libc = new[] { "/lib/x86_64-linux-gnu/libc.so.6", "/lib/aarch64-linux-gnu/libc.so.6" }.FirstOrDefault(File.Exists);
        if (libc is not null)
        {
            Assert.Null(Libdeflate.Load(libc)); // loads, but has none of the functions
        }
    }

    [Theory]
    [InlineData(CompressionLevel.Optimal, 0)]
    [InlineData(CompressionLevel.Fastest, 4)]
    [InlineData(CompressionLevel.SmallestSize, 2)]
    public void A_member_has_the_reproducible_header_and_a_trailer_that_GZipStream_checks(CompressionLevel level, byte extraFlags)
    {
        using var members = Members(level);
        if (members is null)
        {
            return; // not Linux x64 or arm64: nothing carried to test
        }

        var input = ParallelGzipStreamTests.MixedContent(ParallelGzipStream.BlockSize);
        var output = new byte[ParallelGzipStream.BlockSize * 2];
        var length = members.Compress(input, output);
        var member = output.AsSpan(0, length).ToArray();

        Assert.Equal([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, extraFlags, ReproducibleGzip.UnixOperatingSystem], member[..10]);
        Assert.Equal((uint)input.Length, BinaryPrimitives.ReadUInt32LittleEndian(member.AsSpan(length - 4)));
        Assert.Equal(input, ParallelGzipStreamTests.Decompress(member));
        Assert.True(length < input.Length / 2, $"{length} bytes");

        // A flipped CRC byte is caught by the reader: the trailer really is the data's CRC-32.
        member[length - 8] ^= 1;
        Assert.ThrowsAny<InvalidDataException>(() => ParallelGzipStreamTests.Decompress(member));
    }

    [Fact]
    public void The_bytes_are_those_of_libdeflate_1_14_level_2()
    {
        // Pinned: the package's promise is byte-identical rootfs tarballs from the same inputs on
        // every Linux x64 and arm64 machine, so a different libdeflate build (or level) must be a
        // deliberate change, seen here first. The value is what Debian 12's libdeflate0 1.14-1
        // writes, on x64 and arm64 alike (checked under qemu, docs/performance.md "libdeflate").
        using var members = Members(CompressionLevel.Optimal);
        if (members is null)
        {
            return; // not Linux x64 or arm64: nothing carried to test
        }

        var input = ParallelGzipStreamTests.MixedContent(ParallelGzipStream.BlockSize);
        var output = new byte[ParallelGzipStream.BlockSize * 2];
        var length = members.Compress(input, output);

        Assert.Equal("9392dbed1033e3825d5b1ccdadff9da5416d57d8f0f7ff418cb328a394f0109f", Convert.ToHexString(SHA256.HashData(output.AsSpan(0, length))).ToLowerInvariant());
    }

    [Fact]
    public void Empty_input_and_incompressible_input_round_trip()
    {
        using var members = Members(CompressionLevel.Fastest);
        if (members is null)
        {
            return; // not Linux x64 or arm64: nothing carried to test
        }

        var output = new byte[ParallelGzipStream.BlockSize * 2];
        Assert.Empty(ParallelGzipStreamTests.Decompress(output.AsSpan(0, members.Compress([], output)).ToArray()));

        var random = new byte[ParallelGzipStream.BlockSize];
        new Random(3).NextBytes(random);
        Assert.Equal(random, ParallelGzipStreamTests.Decompress(output.AsSpan(0, members.Compress(random, output)).ToArray()));
    }

    [Fact]
    public void A_disposed_set_of_members_compresses_no_more()
    {
        var members = Members(CompressionLevel.Optimal);
        if (members is null)
        {
            return; // not Linux x64 or arm64: nothing carried to test
        }

        var output = new byte[1024];
        members.Compress([1, 2, 3], output);
        members.Dispose();
        Assert.Throws<ObjectDisposedException>(() => members.Compress([1, 2, 3], output));
    }

    /// <summary>Members at <paramref name="level"/> through the carried library; null only where none is carried (checked).</summary>
    private static LibdeflateMembers? Members(CompressionLevel level)
    {
        var members = LibdeflateMembers.For(level);
        Assert.True(members is not null || !Carried, "libdeflate is carried here but did not load");
        return members;
    }
}
