using System.Runtime.Versioning;
using OciBundle.Diagnostics;
using OciBundle.Request;
using OciBundle.Settings;
using OciBundle.Tests.Support;
using static OciBundle.Tests.Images.TestLayout;

namespace OciBundle.Tests.Images;

/// <summary>OciBaseImage through the whole generator: the merged tree is checked, the image is in the fingerprint, a damaged one writes nothing.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class ImageBundleTests : IDisposable
{
    private static readonly string HostShell = new FileInfo("/bin/sh").ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? "/bin/sh";

    private readonly TempDirectory _temp = new();
    private readonly List<Diagnostic> _reported = [];

    public void Dispose() => _temp.Dispose();

    private string Output => _temp.Combine("out", "oci-bundle");

    /// <summary>One layer with a real program of this host at /bin/sh; the config starts <paramref name="entrypoint"/>.</summary>
    private TestLayout Image(string entrypoint = "/bin/sh")
    {
        var layout = new TestLayout(_temp.Combine("img"));
        var tar = Tar("bin/", "etc/", "etc/passwd=root:x:0:0::/:/bin/sh\n");
        var withShell = AppendFile(tar, "bin/sh", File.ReadAllBytes(HostShell));
        var layer = layout.Layer(withShell);
        layout.Index(Entry(layout.Image([layer], config: new { Entrypoint = new[] { entrypoint }, Cmd = new[] { "-c", "true" } })));
        return layout;
    }

    private static byte[] AppendFile(byte[] tar, string name, byte[] content)
    {
        using var buffer = new MemoryStream();
        using (var writer = new System.Formats.Tar.TarWriter(buffer, System.Formats.Tar.TarEntryFormat.Ustar, leaveOpen: true))
        {
            using var reader = new System.Formats.Tar.TarReader(new MemoryStream(tar));
            while (reader.GetNextEntry(copyData: true) is { } entry)
            {
                writer.WriteEntry(entry);
            }

            writer.WriteEntry(new System.Formats.Tar.UstarTarEntry(System.Formats.Tar.TarEntryType.RegularFile, name) { Mode = (UnixFileMode)0b111_101_101, DataStream = new MemoryStream(content) });
        }

        return buffer.ToArray();
    }

    private BundleRequest Request() => new BundleRequest { ProjectDirectory = _temp.Path }
        .With(SurfaceNames.BundleOutputPath, Output)
        .With(BundleOptions.StampFileProperty, _temp.Combine("obj", "oci-bundle.stamp"))
        .With(SurfaceNames.BaseImage, "oci:img");

    [Fact]
    public void A_bundle_from_an_image_is_up_to_date_until_the_image_changes()
    {
        var layout = Image();
        var first = BundleGenerator.Generate(Request(), _reported.Add);
        Assert.True(first is { UpToDate: false }, string.Join("\n", _reported));
        var config = File.ReadAllText(Path.Combine(Output, "config.json"));
        Assert.Contains("\"/bin/sh\",\n      \"-c\",\n      \"true\"", config, StringComparison.Ordinal);

        Assert.True(BundleGenerator.Generate(Request(), _reported.Add) is { UpToDate: true });

        // Another image at the same place: a new manifest.
        Directory.Delete(layout.Root, recursive: true);
        Image("/bin/sh");
        File.AppendAllText(Path.Combine(layout.Root, "index.json"), " ");
        Assert.True(BundleGenerator.Generate(Request(), _reported.Add) is { UpToDate: false }, string.Join("\n", _reported));
    }

    [Fact]
    public void The_entrypoint_check_runs_on_the_merged_tree()
    {
        Image("/bin/missing");
        Assert.Null(BundleGenerator.Generate(Request(), _reported.Add));
        Assert.Contains(_reported, d => d.Severity == DiagnosticSeverity.Error && d.Code.StartsWith("OCIB30", StringComparison.Ordinal) && d.Message.Contains("/bin/missing", StringComparison.Ordinal));
        Assert.False(Directory.Exists(Output));
    }

    [Fact]
    public void A_damaged_layer_writes_nothing()
    {
        var layout = Image();
        var layer = new DirectoryInfo(Path.Combine(layout.Root, "blobs", "sha256")).GetFiles().MaxBy(f => f.Length)!;
        var bytes = File.ReadAllBytes(layer.FullName);
        bytes[bytes.Length / 2] ^= 1;
        File.WriteAllBytes(layer.FullName, bytes);

        Assert.Null(BundleGenerator.Generate(Request(), _reported.Add));
        Assert.Equal("OCIB3104", Assert.Single(_reported, d => d.Severity == DiagnosticSeverity.Error).Code);
        Assert.False(Directory.Exists(Output));
    }
}
