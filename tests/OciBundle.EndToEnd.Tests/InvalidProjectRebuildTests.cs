using System.Security.Cryptography;

namespace OciBundle.EndToEnd.Tests;

/// <summary>
/// A good bundle, then the project made invalid and built again in the same folder: the failed
/// build leaves the good bundle exactly as it was, whether it fails while checking values (before
/// anything is written) or while reading the base archive (after its staging folder exists).
/// </summary>
[Collection(SdkFeedCollection.Name)]
public sealed class InvalidProjectRebuildTests(SdkFeed feed)
{
    [Fact]
    public void An_invalid_value_leaves_the_previous_bundle_untouched()
    {
        var good = new InvalidProject("rebuild-value", "OCIB1052") { Items = Hello, Files = [("hello.txt", "hello\n")] };
        var project = good.Create(feed);
        project.BuildSucceeds();
        var before = Snapshot(project.BundleDirectory);

        Rewrite(project, good with { Properties = "<OciCpus>1,5</OciCpus>" });
        var failed = project.Build();

        AssertFailedWith(failed, "OCIB1052");
        Assert.Equal(before, Snapshot(project.BundleDirectory));
    }

    [Fact]
    public void A_corrupt_base_archive_leaves_the_previous_bundle_untouched()
    {
        var good = new InvalidProject("rebuild-archive", "OCIB3005")
        {
            Properties = "<OciBaseRootfs>good.tar.gz</OciBaseRootfs>",
            Items = Hello,
            Files = [("hello.txt", "hello\n"), ("corrupt.tar.gz", "this is not gzip\n")],
            Setup = dir => TarFiles.Write(Path.Combine(dir, "good.tar.gz"), TarFiles.Folder("etc/"), TarFiles.Text("etc/os-release", "ID=test\n")),
        };
        var project = good.Create(feed);
        project.BuildSucceeds();
        var before = Snapshot(project.BundleDirectory);

        Rewrite(project, good with { Properties = "<OciBaseRootfs>corrupt.tar.gz</OciBaseRootfs>" });
        var failed = project.Build();

        AssertFailedWith(failed, "OCIB3005");

        // The same entries (so no staging folder left behind), bytes and times.
        Assert.Equal(before, Snapshot(project.BundleDirectory));
    }

    private const string Hello = """<OciRootfsFile Include="hello.txt" TargetPath="/hello.txt" />""";

    private void Rewrite(TestProject project, InvalidProject changed) =>
        File.WriteAllText(project.ProjectFile, changed.ProjectXml().Replace("{Version}", feed.Version, StringComparison.Ordinal));

    private static void AssertFailedWith(ProcessResult result, string code)
    {
        Assert.True(result.ExitCode != 0, $"the build succeeded:\n{result.All}");
        Assert.True(BuildLog.Lines(result, "error", code).Count > 0, $"no 'error {code}:' in:\n{result.All}");
        BuildLog.AssertNoCrash(result);
    }

    /// <summary>Every entry below <paramref name="folder"/>, hidden ones too, with its content digest and write time.</summary>
    internal static List<string> Snapshot(string folder) =>
        Directory.EnumerateFileSystemEntries(folder, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Order(StringComparer.Ordinal)
            .Select(path =>
            {
                var content = File.Exists(path) ? Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path))) : "folder";
                return $"{Path.GetRelativePath(folder, path)} {content} {File.GetLastWriteTimeUtc(path):O}";
            })
            .ToList();
}
