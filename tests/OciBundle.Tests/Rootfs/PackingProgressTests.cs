using OciBundle.Rootfs;
using OciBundle.Tests.Support;

namespace OciBundle.Tests.Rootfs;

public class PackingProgressTests
{
    private static RootfsEntry File(string path, long size) => new() { Path = path, Type = RootfsEntryType.RegularFile, Size = size, Mode = 420 };

    private static RootfsEntry Folder(string path) => new() { Path = path, Type = RootfsEntryType.Directory, Mode = 493 };

    private static readonly RootfsEntry[] Tree = [Folder("a"), File("a/big", 3L << 20), File("a/small", 1L << 20), Folder("b")];

    [Fact]
    public void A_long_write_says_how_far_it_is_at_each_interval()
    {
        var lines = new List<string>();
        var now = TimeSpan.Zero;
        var progress = PackingProgress.For(Tree, lines.Add, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5), () => now);
        foreach (var entry in Tree)
        {
            now += TimeSpan.FromSeconds(3); // 3, 6, 9, 12 s
            progress.Advance(entry);
        }

        // Quiet until 5 s, then at 6 s and (next due at 11 s) at 12 s.
        Assert.Equal(["3 MiB of 4 MiB, 2 of 4 entries", "4 MiB of 4 MiB, 4 of 4 entries"], lines);
    }

    [Theory]
    [InlineData(null, 5.0)]
    [InlineData("", 5.0)]
    [InlineData("soon", 5.0)]
    [InlineData("-1", 5.0)]
    [InlineData("NaN", 5.0)]
    [InlineData("1e300", 5.0)]
    [InlineData("0", 0.0)]
    [InlineData("0.5", 0.5)]
    public void The_environment_knob_sets_both_thresholds_only_when_it_is_a_sane_number_of_seconds(string? setting, double seconds)
    {
        var (first, every) = PackingProgress.Thresholds(setting);
        Assert.Equal(TimeSpan.FromSeconds(seconds), first);
        Assert.Equal(TimeSpan.FromSeconds(seconds), every);
    }

    [Fact]
    public void A_short_write_says_nothing()
    {
        var lines = new List<string>();
        var progress = PackingProgress.For(Tree, lines.Add, PackingProgress.DefaultFirst, PackingProgress.DefaultEvery);
        foreach (var entry in Tree)
        {
            progress.Advance(entry);
        }

        Assert.Empty(lines);
    }

    [Fact]
    public void Progress_does_not_change_a_byte_of_the_tarball()
    {
        using var temp = new TempDirectory();
        var source = temp.Combine("data");
        System.IO.File.WriteAllBytes(source, new byte[70_000]);
        RootfsEntry[] tree = [Folder("d"), File("d/data", 70_000) with { SourcePath = source }];
        byte[] Write(PackingProgress? progress)
        {
            using var buffer = new MemoryStream();
            using (var writer = new ReproducibleTarWriter(buffer, 0, leaveOpen: true))
            {
                writer.WriteTree(tree, "", progress);
            }

            return buffer.ToArray();
        }

        var said = new List<string>();
        var withProgress = Write(PackingProgress.For(tree, said.Add, TimeSpan.Zero, TimeSpan.Zero));
        Assert.Equal(2, said.Count);
        Assert.Equal(Write(null), withProgress);
    }
}
