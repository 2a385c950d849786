using System.Runtime.Versioning;
using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;
using OciBundle.Output;
using OciBundle.Rootfs;
using OciBundle.Tests.Support;

namespace OciBundle.Tests.Rootfs;

/// <summary>
/// Members copied from the previous output: by copy_file_range, by reads and writes when the
/// kernel declines, the same bytes either way; and the output's SHA-256 taken beside the writer.
/// </summary>
[UnsupportedOSPlatform("windows")]
public class FileRangeCopyTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_range_lands_at_the_target_offset_in_the_kernel_or_through_a_buffer(bool inKernel)
    {
        using var temp = new TempDirectory();
        var bytes = RandomNumberGenerator.GetBytes(3 << 20);
        File.WriteAllBytes(temp.Combine("source"), bytes);
        using var source = File.OpenHandle(temp.Combine("source"));
        using (var target = File.OpenHandle(temp.Combine("target"), FileMode.CreateNew, FileAccess.Write))
        {
            RandomAccess.Write(target, new byte[100], 0);
            var kernel = FileRangeCopy.Copy(source, 12345, target, 100, (2 << 20) + 7, inKernel);
            Assert.Equal(inKernel && OperatingSystem.IsLinux(), kernel); // ext4 and tmpfs both copy in the kernel
        }

        var written = File.ReadAllBytes(temp.Combine("target"));
        Assert.Equal(100 + (2 << 20) + 7, written.Length);
        Assert.Equal(bytes.AsSpan(12345, (2 << 20) + 7).ToArray(), written[100..]);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_source_that_ends_before_the_range_is_an_error_not_a_short_copy(bool inKernel)
    {
        using var temp = new TempDirectory();
        File.WriteAllBytes(temp.Combine("source"), new byte[1000]);
        using var source = File.OpenHandle(temp.Combine("source"));
        using var target = File.OpenHandle(temp.Combine("target"), FileMode.CreateNew, FileAccess.Write);
        Assert.Throws<IOException>(() => FileRangeCopy.Copy(source, 500, target, 0, 501, inKernel));
    }

    [Fact]
    public void Only_errors_that_mean_not_for_these_files_fall_back()
    {
        Assert.True(FileRangeCopy.FallsBack(18)); // EXDEV
        Assert.True(FileRangeCopy.FallsBack(22)); // EINVAL
        Assert.True(FileRangeCopy.FallsBack(38)); // ENOSYS
        Assert.True(FileRangeCopy.FallsBack(95)); // EOPNOTSUPP
        Assert.False(FileRangeCopy.FallsBack(5)); // EIO: a real failure
        Assert.False(FileRangeCopy.FallsBack(28)); // ENOSPC
        Assert.False(FileRangeCopy.FallsBack(9)); // EBADF
    }

    [Fact]
    public void A_copy_across_file_systems_gives_the_same_bytes_whatever_the_kernel_says()
    {
        if (!Directory.Exists("/dev/shm"))
        {
            return; // no second file system to copy from on this machine
        }

        using var temp = new TempDirectory();
        var shm = Path.Combine("/dev/shm", "ocibundle-test-" + Guid.NewGuid().ToString("N"));
        try
        {
            var bytes = RandomNumberGenerator.GetBytes(1 << 20);
            File.WriteAllBytes(shm, bytes);
            using (var source = File.OpenHandle(shm))
            using (var target = File.OpenHandle(temp.Combine("target"), FileMode.CreateNew, FileAccess.Write))
            {
                FileRangeCopy.Copy(source, 0, target, 0, bytes.Length); // in the kernel, or EXDEV and the fallback
            }

            Assert.Equal(bytes, File.ReadAllBytes(temp.Combine("target")));
        }
        finally
        {
            File.Delete(shm);
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void The_output_hashed_beside_the_writer_is_the_hash_of_its_bytes(bool inKernel)
    {
        using var temp = new TempDirectory();
        var previous = RandomNumberGenerator.GetBytes(5 << 20);
        File.WriteAllBytes(temp.Combine("previous"), previous);
        using var source = File.OpenHandle(temp.Combine("previous"));
        var path = temp.Combine("rootfs.tar.gz");
        var random = new Random(7);
        string digest;
        long length;
        using (var output = new HashedOutputFile(path, inKernel))
        {
            for (var i = 0; i < 40; i++)
            {
                if (i % 3 == 0)
                {
                    output.CopyFrom(source, random.Next(0, 4 << 20), random.Next(1, 1 << 20));
                }
                else
                {
                    var chunk = new byte[random.Next(0, 300_000)];
                    random.NextBytes(chunk);
                    output.Write(chunk);
                }
            }

            digest = output.Finish();
            length = output.BytesWritten;
        }

        var written = File.ReadAllBytes(path);
        Assert.Equal(written.Length, length);
        Assert.Equal(Convert.ToHexString(SHA256.HashData(written)).ToLowerInvariant(), digest);
    }

    [Fact]
    public void An_empty_output_has_the_hash_of_nothing()
    {
        using var temp = new TempDirectory();
        using var output = new HashedOutputFile(temp.Combine("empty"));
        Assert.Equal(Convert.ToHexString(SHA256.HashData([])).ToLowerInvariant(), output.Finish());
    }

    [Fact]
    public void Copying_from_a_closed_file_fails_instead_of_writing_nothing()
    {
        using var temp = new TempDirectory();
        File.WriteAllBytes(temp.Combine("source"), new byte[100]);
        var source = File.OpenHandle(temp.Combine("source"));
        source.Dispose();
        using var output = new HashedOutputFile(temp.Combine("out"));
        Assert.ThrowsAny<Exception>(() => output.CopyFrom(source, 0, 10));
    }
}
