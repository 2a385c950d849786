using System.Runtime.Versioning;
using OciBundle.Diagnostics;
using OciBundle.Request;
using OciBundle.Settings;
using OciBundle.Tests.Building;
using OciBundle.Tests.Support;

namespace OciBundle.Tests.Fuzz;

/// <summary>Inputs the fuzz tests found that broke the generator, kept as regression tests.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class FoundByFuzzingTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly List<Diagnostic> _reported = [];

    public void Dispose() => _temp.Dispose();

    private BundleRequest Request() => RequestBuilder.Defaults()
        .With(SurfaceNames.BundleOutputPath, _temp.Combine("out", "bundle"))
        .With(BundleOptions.StampFileProperty, _temp.Combine("obj", "oci-bundle.stamp"));

    [Fact] // RootfsPlanReader.ReadFiles (then RootfsPlan.ReadFiles) used to throw from Path.GetFullPath
    public void A_rootfs_file_include_with_NUL_and_no_FullPath_is_a_coded_error()
    {
        var request = Request().WithItem(SurfaceNames.RootfsFile, "a\0b", ("TargetPath", "/x"));

        Assert.Null(BundleGenerator.Generate(request, _reported.Add));
        Assert.Equal("OCIB1019", Assert.Single(_reported, d => d.Severity == DiagnosticSeverity.Error).Code);
    }

    [Theory] // BundleStaging.Move used to delete the folder, recursively
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

        Assert.Null(BundleGenerator.Generate(project.With(SurfaceNames.BundleArchivePath, archive), _reported.Add));
        Assert.Equal("OCIB5005", Assert.Single(_reported, d => d.Severity == DiagnosticSeverity.Error).Code);

        Assert.True(File.Exists(_temp.Combine("project.proj")), "the project file was deleted");
        Assert.True(File.Exists(_temp.Combine("out", "bundle", "keep.txt")), "a foreign file in the output folder was deleted");
        Assert.True(File.Exists(_temp.Combine("elsewhere", "keep.txt")), "a folder at the archive path was deleted");
    }
}
