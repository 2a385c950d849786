using OciBundle.Rootfs;

namespace OciBundle.Tests.Rootfs;

public sealed class ChecksummedIndexTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("checksummed-index-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Rows_come_back_as_written_even_with_a_UTF8_path_in_them()
    {
        var path = Path.Combine(_folder, "index");
        ChecksummedIndex.Write(path, "test-index 1", "output abc 12 /srv/bündel/rootfs.tar.gz\nm key 0 10\n");

        var rows = ChecksummedIndex.Read(path, "test-index 1", out var damaged);

        Assert.False(damaged);
        Assert.Equal(["output abc 12 /srv/bündel/rootfs.tar.gz", "m key 0 10"], rows!);
        Assert.Empty(Directory.GetFiles(_folder, "*.tmp"));
    }

    [Fact]
    public void A_missing_file_is_no_index_and_not_damage()
    {
        Assert.Null(ChecksummedIndex.Read(Path.Combine(_folder, "none"), "test-index 1", out var damaged));
        Assert.False(damaged);
    }

    [Theory]
    [InlineData("flip")]
    [InlineData("truncate")]
    [InlineData("other header")]
    [InlineData("no end line")]
    public void A_file_that_is_not_whole_is_damage(string how)
    {
        var path = Path.Combine(_folder, "index");
        ChecksummedIndex.Write(path, "test-index 1", "row one\nrow two\n");
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, how switch
        {
            "flip" => [.. bytes[..15], (byte)(bytes[15] ^ 1), .. bytes[16..]],
            "truncate" => bytes[..^10],
            "other header" => [.. "test-index 2"u8.ToArray(), .. bytes[12..]],
            _ => bytes[..bytes.AsSpan().LastIndexOf("end "u8)],
        });

        Assert.Null(ChecksummedIndex.Read(path, "test-index 1", out var damaged));
        Assert.True(damaged);
    }
}
