using System.Formats.Tar;
using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace OciBundle.EndToEnd.Tests;

/// <summary>samples/docker-volume-plugin: built with the packed SDK, checked in both formats, run with runc.</summary>
[Collection(SdkFeedCollection.Name)]
public sealed class PluginTests(SdkFeed feed, ITestOutputHelper output)
{
    private const string Sample = "docker-volume-plugin";

    /// <summary>The sample's files in a project folder under the feed, using the SDK under test.</summary>
    private TestProject CopySample()
    {
        var source = Path.Combine(Repository.Root, "samples", Sample);
        var xml = File.ReadAllText(Path.Combine(source, Sample + ".proj")).Replace("Version=\"0.1.0\"", "Version=\"{Version}\"", StringComparison.Ordinal);
        return feed.CreateProject(
            Sample,
            xml,
            ("config.json", File.ReadAllText(Path.Combine(source, "config.json")), false),
            ("plugin.sh", File.ReadAllText(Path.Combine(source, "plugin.sh")), true));
    }

    [Fact]
    public void The_sample_plugin_builds_both_formats_and_its_socket_appears_on_the_host()
    {
        var runtime = Path.Combine(feed.Root, "plugin-runtime");
        Directory.CreateDirectory(runtime);
        var project = CopySample();
        project.BuildSucceeds($"-p:OciPluginRuntimeSource={runtime}");

        using (var config = JsonDocument.Parse(File.ReadAllText(project.BundleFile("config.json"))))
        {
            var mounts = config.RootElement.GetProperty("mounts").EnumerateArray().ToList();
            var socketFolder = mounts.Single(m => m.GetProperty("destination").GetString() == "/run/docker/plugins");
            Assert.Equal(runtime, socketFolder.GetProperty("source").GetString());
            Assert.Equal("shared", config.RootElement.GetProperty("linux").GetProperty("rootfsPropagation").GetString());
        }

        // Docker's format: plugin/config.json and plugin/rootfs/, and the same in plugin.tar.gz.
        using (var plugin = JsonDocument.Parse(File.ReadAllText(project.BundleFile(Path.Combine("plugin", "config.json")))))
        {
            var root = plugin.RootElement;
            Assert.Equal("volume.sock", root.GetProperty("Interface").GetProperty("Socket").GetString());
            Assert.Equal("docker.volumedriver/1.0", root.GetProperty("Interface").GetProperty("Types")[0].GetString());
            Assert.Equal("/data", root.GetProperty("PropagatedMount").GetString());
            Assert.Equal("/usr/local/bin/volume-plugin", root.GetProperty("Entrypoint")[0].GetString());
            var env = Assert.Single(root.GetProperty("Env").EnumerateArray());
            Assert.Equal("seconds to serve before exiting; 0 serves until stopped", env.GetProperty("Description").GetString());
        }

        Assert.True(File.Exists(project.BundleFile(Path.Combine("plugin", "rootfs", "usr", "local", "bin", "volume-plugin"))));
        var names = TarNames(project.BundleFile("plugin.tar.gz"));
        Assert.Equal(["config.json", "rootfs/"], names.Take(2));
        Assert.Contains("rootfs/run/docker/plugins/", names);

        if (!Runc.Usable(output))
        {
            return;
        }

        // What `docker plugin set docker-volume-plugin RUN_SECONDS=1` would do: serve a second, then exit.
        var bundle = Runc.Unpack(project.BundleDirectory);
        SetEnvironment(bundle, "RUN_SECONDS", "1");
        var run = Runc.Run(bundle);
        Assert.True(run.ExitCode == 0, run.All);
        Assert.Contains("listening on /run/docker/plugins/volume.sock", run.StdOut);
        var socket = ProcessResult.Run("test", ["-S", Path.Combine(runtime, "volume.sock")]);
        Assert.True(socket.ExitCode == 0, $"no socket in {runtime}: " + string.Join(", ", Directory.GetFileSystemEntries(runtime)));
    }

    private static List<string> TarNames(string tarball)
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

    private static void SetEnvironment(string bundle, string name, string value)
    {
        var path = Path.Combine(bundle, "config.json");
        var config = JsonNode.Parse(File.ReadAllText(path))!;
        var env = config["process"]!["env"]!.AsArray();
        var index = env.Select((e, i) => (e, i)).Single(p => p.e!.GetValue<string>().StartsWith(name + "=", StringComparison.Ordinal)).i;
        env[index] = $"{name}={value}";
        File.WriteAllText(path, config.ToJsonString());
    }
}
