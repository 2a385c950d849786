using System.Runtime.Versioning;
using OciBundle.Diagnostics;
using OciBundle.Output;
using OciBundle.Request;
using OciBundle.Settings;
using OciBundle.Tests.Building;
using OciBundle.Tests.Support;

namespace OciBundle.Tests.Output;

/// <summary>
/// OCIB5008 at detailed verbosity: the first fingerprint entry that made a bundle be rewritten,
/// while the up-to-date decision itself stays the digest's.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class RewriteReasonTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly List<Diagnostic> _reported = [];

    public void Dispose() => _temp.Dispose();

    private static readonly string HostShell = new FileInfo("/bin/sh").ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? "/bin/sh";

    private string Output => _temp.Combine("out", "oci-bundle");

    private string Stamp => _temp.Combine("obj", "oci-bundle.stamp");

    private string Hello => _temp.Combine("hello.sh");

    private BundleRequest Request(bool extra = false)
    {
        if (!File.Exists(Hello))
        {
            File.WriteAllText(Hello, "#!/bin/sh\necho hello\n");
            File.WriteAllText(_temp.Combine("extra.txt"), "extra\n");
        }

        var request = RequestBuilder.Defaults()
            .With(SurfaceNames.BundleOutputPath, Output)
            .With(BundleOptions.StampFileProperty, Stamp)
            .WithItem(SurfaceNames.RootfsFile, "hello.sh", ("FullPath", Hello), ("TargetPath", "/usr/bin/hello"))
            .WithItem(SurfaceNames.RootfsFile, "sh", ("FullPath", HostShell), ("TargetPath", "/bin/sh"));
        return extra ? request.WithItem(SurfaceNames.RootfsFile, "extra.txt", ("FullPath", _temp.Combine("extra.txt")), ("TargetPath", "/extra.txt")) : request;
    }

    /// <summary>Builds, and returns the reason given for rewriting (null when up to date and nothing was said).</summary>
    private string? Build(BundleRequest request)
    {
        _reported.Clear();
        var result = BundleGenerator.Generate(request, _reported.Add);
        Assert.True(result is not null, string.Join("\n", _reported));
        var said = _reported.Where(d => d.Code == "OCIB5008").ToList();
        Assert.All(said, d => Assert.Equal(DiagnosticSeverity.Detail, d.Severity));
        Assert.Equal(result.UpToDate ? 0 : 1, said.Count);
        return said.SingleOrDefault()?.Message;
    }

    [Fact]
    public void The_first_build_has_no_earlier_stamp_and_an_unchanged_one_says_nothing()
    {
        Assert.Equal("Bundle rewritten: no earlier stamp.", Build(Request()));
        Assert.Null(Build(Request()));
    }

    [Fact]
    public void A_changed_property_is_named()
    {
        Build(Request().With(SurfaceNames.Hostname, "one"));
        Assert.Equal($"Bundle rewritten: property {SurfaceNames.Hostname} changed.", Build(Request().With(SurfaceNames.Hostname, "other")));
        Assert.Equal($"Bundle rewritten: property {SurfaceNames.Hostname} removed.", Build(Request()));
    }

    [Fact]
    public void A_changed_file_is_named_by_its_host_path()
    {
        Build(Request());
        File.AppendAllText(Hello, "echo again\n");
        Assert.Equal($"Bundle rewritten: file {Hello} changed.", Build(Request()));
    }

    [Fact]
    public void An_added_and_a_removed_item_are_named()
    {
        Build(Request());
        Assert.Equal($"Bundle rewritten: item {SurfaceNames.RootfsFile} extra.txt added.", Build(Request(extra: true)));
        Assert.Equal($"Bundle rewritten: item {SurfaceNames.RootfsFile} extra.txt removed.", Build(Request()));
    }

    [Fact]
    public void A_deleted_output_is_named()
    {
        Build(Request());
        var archive = Path.Combine(Output, "rootfs.tar.gz");
        File.Delete(archive);
        Assert.Equal($"Bundle rewritten: output {archive} missing.", Build(Request()));
    }

    [Fact]
    public void A_stamp_from_before_the_named_entries_is_an_older_version_and_still_decides_as_before()
    {
        Build(Request());
        var lines = File.ReadAllLines(Stamp);
        Assert.Contains(lines, l => l.StartsWith(UpToDateStamp.InputKind + "\t", StringComparison.Ordinal));
        var older = lines.Where(l => !l.StartsWith(UpToDateStamp.InputKind + "\t", StringComparison.Ordinal)).ToArray();

        // Same inputs: the digest alone still says up to date.
        File.WriteAllLines(Stamp, older);
        Assert.Null(Build(Request()));

        File.WriteAllLines(Stamp, older);
        Assert.Equal("Bundle rewritten: stamp from an older version.", Build(Request().With(SurfaceNames.Hostname, "other")));

        File.WriteAllLines(Stamp, ["oci-bundle-stamp 0", "abc"]);
        Assert.Equal("Bundle rewritten: stamp from an older version.", Build(Request()));
    }

    /// <summary>Found by fuzzing: names from the project are any text; the stamp must still be written and read back.</summary>
    [Fact]
    public void An_item_name_that_is_no_valid_text_still_gives_a_stamp_and_a_reason()
    {
        const string odd = "a\ud915b\tc\nd\u0008";
        BundleRequest WithOdd() => Request().WithItem(SurfaceNames.Args, odd);
        Assert.Equal("Bundle rewritten: no earlier stamp.", Build(WithOdd()));
        Assert.Null(Build(WithOdd()));
        Assert.Equal($"Bundle rewritten: item {SurfaceNames.Args} a\ufffdb c d  removed.", Build(Request()));
    }
}
