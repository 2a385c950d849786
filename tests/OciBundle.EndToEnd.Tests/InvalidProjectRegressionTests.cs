namespace OciBundle.EndToEnd.Tests;

/// <summary>Invalid projects the SDK once mishandled (found while writing the invalid-project tests).</summary>
[Collection(SdkFeedCollection.Name)]
public sealed class InvalidProjectRegressionTests(SdkFeed feed)
{
    [Fact]
    public void A_sparse_entry_in_the_base_archive_is_OCIB3011()
    {
        var invalid = new InvalidProject("bug-3011-sparse", "OCIB3011")
        {
            Properties = "<OciBaseRootfs>base.tar</OciBaseRootfs>",
            Setup = dir =>
            {
                // A 4 MiB hole and a few bytes: GNU tar --sparse stores it as a sparse entry.
                using (var file = File.Create(Path.Combine(dir, "disk.img")))
                {
                    file.Seek(4 << 20, SeekOrigin.Begin);
                    file.Write("data"u8);
                }

                var tar = ProcessResult.Run("tar", ["--format=gnu", "--sparse", "-cf", "base.tar", "disk.img"], dir);
                Assert.True(tar.ExitCode == 0, tar.All);
            },
        };
        AssertFailsCleanly(invalid);
    }

    [Fact]
    public void A_file_below_a_symlink_item_is_OCIB3008()
    {
        var invalid = new InvalidProject("bug-3008-symlink-item", "OCIB3008")
        {
            Items = "<OciRootfsSymlink Include=\"/lib\" LinkTarget=\"usr/lib\" />\n<OciRootfsFile Include=\"libfoo.so\" TargetPath=\"/lib/libfoo.so\" />",
            Files = [("libfoo.so", "ELF\n")],
        };
        AssertFailsCleanly(invalid);
    }

    private void AssertFailsCleanly(InvalidProject invalid)
    {
        var project = invalid.Create(feed);
        var result = project.Build();

        Assert.True(result.ExitCode != 0, $"the build succeeded:\n{result.All}");
        Assert.Contains($"error {invalid.Code}:", result.StdOut);
        BuildLog.AssertNoCrash(result);
        Assert.False(Directory.Exists(project.BundleDirectory), "a failed build left a bundle folder behind");
    }
}
