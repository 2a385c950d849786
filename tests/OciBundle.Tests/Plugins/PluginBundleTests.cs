using System.Formats.Tar;
using System.IO.Compression;
using System.Runtime.Versioning;
using System.Text.Json;
using OciBundle.Diagnostics;
using OciBundle.Output;
using OciBundle.Request;
using OciBundle.Settings;
using OciBundle.Tests.Support;

namespace OciBundle.Tests.Plugins;

/// <summary>The whole generator with OciBundleFormat: plugin/ and plugin.tar.gz laid out for `docker plugin create`.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class PluginBundleTests : IDisposable
{
    private static readonly string HostShell = new FileInfo("/bin/sh").ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? "/bin/sh";
    private readonly TempDirectory _temp = new();
    private readonly List<Diagnostic> _reported = [];

    public void Dispose() => _temp.Dispose();

    private string Output => _temp.Combine("out", "oci-bundle");

    private BundleRequest Request(string format, bool withSocketFolder = true)
    {
        var request = PluginFixture.Request()
            .With(SurfaceNames.BundleOutputPath, Output)
            .With(BundleOptions.StampFileProperty, _temp.Combine("obj", "oci-bundle.stamp"))
            .With(SurfaceNames.BundleFormat, format)
            .With(SurfaceNames.PluginConfig, PluginFixture.DataFile("sample-volume-plugin.json"))
            .WithItem(SurfaceNames.Entrypoint, "/bin/sh")
            .WithItem(SurfaceNames.RootfsFile, "sh", ("FullPath", HostShell), ("TargetPath", "/bin/sh"));
        return withSocketFolder ? request.WithItem(SurfaceNames.RootfsDirectory, "/run/docker/plugins") : request;
    }

    private BundleResult Generate(BundleRequest request)
    {
        var result = BundleGenerator.Generate(request, _reported.Add);
        Assert.True(result is not null, string.Join("\n", _reported));
        return result;
    }

    private static List<string> Names(string tarball)
    {
        using var file = File.OpenRead(tarball);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var reader = new TarReader(gzip);
        var names = new List<string>();
        while (reader.GetNextEntry() is { } entry)
        {
            names.Add(entry.Name);
        }

        return names;
    }

    // Our ownership marker (.oci-bundle-outputs) is left out: OutputOwnershipTests cover it.
    private List<string> Entries() => Directory.GetFileSystemEntries(Output).Select(Path.GetFileName).Where(n => n != OutputOwnership.MarkerName).Order(StringComparer.Ordinal).ToList()!;

    [Fact]
    public void DockerPlugin_writes_a_folder_and_tarball_for_docker_plugin_create()
    {
        var result = Generate(Request("DockerPlugin"));

        Assert.Equal(["SHA256SUMS", "plugin", "plugin.tar.gz", "sbom.spdx.json"], Entries());
        Assert.Equal(["PluginDirectory", "PluginArchive", "Sbom", "Checksums"], result.Outputs.Select(o => o.Kind));
        Assert.Equal(["config.json", "rootfs"], Directory.GetFileSystemEntries(Path.Combine(Output, "plugin")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.True(File.Exists(Path.Combine(Output, "plugin", "rootfs", "bin", "sh")));
        Assert.True(Directory.Exists(Path.Combine(Output, "plugin", "rootfs", "run", "docker", "plugins")));
        Assert.True(Directory.Exists(Path.Combine(Output, "plugin", "rootfs", "data")), "the propagated mount's folder");

        using var config = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Output, "plugin", "config.json")));
        Assert.Equal("plugin.sock", config.RootElement.GetProperty("Interface").GetProperty("Socket").GetString());
        Assert.Equal("/data", config.RootElement.GetProperty("PropagatedMount").GetString());

        var names = Names(Path.Combine(Output, "plugin.tar.gz"));
        Assert.Equal(["config.json", "rootfs/"], names.Take(2));
        Assert.Contains("rootfs/bin/sh", names);
        Assert.Contains("rootfs/run/docker/plugins/", names);
        Assert.All(names.Skip(1), n => Assert.StartsWith("rootfs/", n));

        var sums = File.ReadAllText(Path.Combine(Output, "SHA256SUMS"));
        Assert.Contains("  plugin/config.json\n", sums);
        Assert.Contains("  plugin.tar.gz\n", sums);
        ProcessRunner.Run("sh", "-c", "cd \"$1\" && sha256sum -c --strict SHA256SUMS", "sh", Output).EnsureSuccess();
    }

    [Fact]
    public void Both_writes_the_runc_bundle_too_and_Runc_removes_the_plugin_again()
    {
        Generate(Request("Both"));
        Assert.Equal(["SHA256SUMS", "config.json", "plugin", "plugin.tar.gz", "rootfs.tar.gz", "sbom.spdx.json"], Entries());
        using (var config = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Output, "config.json"))))
        {
            Assert.Equal("shared", config.RootElement.GetProperty("linux").GetProperty("rootfsPropagation").GetString());
        }

        Generate(Request("Runc"));
        Assert.Equal(["SHA256SUMS", "config.json", "rootfs.tar.gz", "sbom.spdx.json"], Entries());
    }

    [Fact]
    public void The_tarball_is_reproducible()
    {
        Generate(Request("DockerPlugin"));
        var first = File.ReadAllBytes(Path.Combine(Output, "plugin.tar.gz"));
        Directory.Delete(_temp.Combine("out"), recursive: true);
        Generate(Request("DockerPlugin"));
        Assert.Equal(first, File.ReadAllBytes(Path.Combine(Output, "plugin.tar.gz")));
    }

    [Fact]
    public void A_rootfs_without_the_socket_folder_is_OCIB4015_and_nothing_is_written()
    {
        Assert.Null(BundleGenerator.Generate(Request("DockerPlugin", withSocketFolder: false), _reported.Add));
        Assert.Equal("OCIB4015", Assert.Single(_reported, d => d.Severity == DiagnosticSeverity.Error).Code);
        Assert.False(Directory.Exists(Output));
    }
}
