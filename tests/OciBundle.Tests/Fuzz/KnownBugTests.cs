using System.Runtime.Versioning;
using OciBundle.Building;
using OciBundle.Diagnostics;
using OciBundle.Output;
using OciBundle.Tests.Building;
using OciBundle.Tests.Support;

namespace OciBundle.Tests.Fuzz;

/// <summary>
/// Inputs the fuzz tests found that break the generator. Each is skipped until the product is
/// fixed; the generator steers around them so the random tests keep finding new problems.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class KnownBugTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly List<Diagnostic> _reported = [];

    public void Dispose() => _temp.Dispose();

    private BundleRequest Request() => RequestBuilder.Defaults()
        .With(SurfaceNames.BundleOutputPath, _temp.Combine("out", "bundle"))
        .With(BundleOptions.StampFileProperty, _temp.Combine("obj", "oci-bundle.stamp"));

    [Fact(Skip = "bug: RootfsPlan.ReadFiles calls Path.GetFullPath on an Include with NUL when FullPath is missing (ArgumentException)")]
    public void A_rootfs_file_include_with_NUL_and_no_FullPath_is_a_coded_error()
    {
        var request = Request().WithItem(SurfaceNames.RootfsFile, "a\0b", ("TargetPath", "/x"));

        Assert.Null(BundleGenerator.Generate(request, _reported.Add));
        Assert.Contains(_reported, d => d.Severity == DiagnosticSeverity.Error);
    }

    [Theory(Skip = "bug: BundleStaging.Move deletes an existing folder at OciBundleArchivePath (recursively), then fails with OCIB5002")]
    [InlineData(".")]
    [InlineData("out")]
    [InlineData("out/bundle")]
    [InlineData("elsewhere")]
    public void An_archive_path_that_is_an_existing_folder_deletes_nothing(string archive)
    {
        var project = new BundleRequest { ProjectDirectory = _temp.Path };
        var request = Request();
        foreach (var (name, value) in request.Properties)
        {
            project.With(name, value);
        }

        foreach (var (type, items) in request.Items)
        {
            project.WithItems(type, items);
        }

        Directory.CreateDirectory(_temp.Combine("out", "bundle"));
        Directory.CreateDirectory(_temp.Combine("elsewhere"));
        File.WriteAllText(_temp.Combine("out", "bundle", "keep.txt"), "foreign file in the output folder");
        File.WriteAllText(_temp.Combine("elsewhere", "keep.txt"), "a folder the project owns");
        File.WriteAllText(_temp.Combine("project.proj"), "<Project />");

        BundleGenerator.Generate(project.With(SurfaceNames.BundleArchivePath, archive), _reported.Add);

        Assert.True(File.Exists(_temp.Combine("project.proj")), "the project file was deleted");
        Assert.True(File.Exists(_temp.Combine("out", "bundle", "keep.txt")), "a foreign file in the output folder was deleted");
        Assert.True(File.Exists(_temp.Combine("elsewhere", "keep.txt")), "a folder at the archive path was deleted");
    }
}
