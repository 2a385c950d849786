using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Text.Json;
using Xunit.Abstractions;

namespace OciBundle.EndToEnd.Tests;

/// <summary>
/// samples/docker-volume-plugin, a volume driver written in C#: built with the packed SDK as a
/// trimmed .NET app in both formats, then served to real clients. Under runc, this test speaks
/// the plugin protocol to the socket itself; under Docker, Docker does: plugin create, enable,
/// volume create, a container writing to the volume, volume rm, disable, rm.
/// </summary>
[Collection(SdkFeedCollection.Name)]
public sealed class PluginTests(SdkFeed feed, ITestOutputHelper output)
{
    private const string Sample = "docker-volume-plugin";
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(60);
    private static readonly object BuildGate = new();
    private static TestProject? s_built;

    private string RuntimeFolder => Path.Combine(feed.Root, "plugin-runtime");

    /// <summary>The sample built once per feed (a trimmed publish takes a while); both tests use it.</summary>
    private TestProject BuiltSample()
    {
        lock (BuildGate)
        {
            if (s_built is null || !s_built.Directory.StartsWith(feed.Root, StringComparison.Ordinal))
            {
                var project = CopySample();
                Directory.CreateDirectory(RuntimeFolder);
                project.BuildSucceeds($"-p:OciPluginRuntimeSource={RuntimeFolder}");
                s_built = project;
            }

            return s_built;
        }
    }

    /// <summary>The sample's sources in a project folder under the feed, using the SDK under test.</summary>
    private TestProject CopySample()
    {
        var source = Path.Combine(Repository.Root, "samples", Sample);
        var files = Directory.GetFiles(source)
            .Where(f => !f.EndsWith(".csproj", StringComparison.Ordinal))
            .Select(f => (Path.GetFileName(f), File.ReadAllText(f), false))
            .ToArray();
        var xml = File.ReadAllText(Path.Combine(source, Sample + ".csproj")).Replace("Version=\"0.1.0\"", "Version=\"{Version}\"", StringComparison.Ordinal);
        var project = feed.CreateProject(Sample, xml, files);
        var csproj = Path.ChangeExtension(project.ProjectFile, ".csproj");
        File.Move(project.ProjectFile, csproj);
        return new TestProject(feed, project.Directory, csproj, "net10.0");
    }

    [Fact]
    public async Task The_sample_plugin_builds_both_formats_and_serves_volumes_under_runc()
    {
        var project = BuiltSample();

        using (var config = JsonDocument.Parse(File.ReadAllText(project.BundleFile("config.json"))))
        {
            var root = config.RootElement;
            Assert.Equal(["/app/docker-volume-plugin"], root.GetProperty("process").GetProperty("args").EnumerateArray().Select(a => a.GetString()));
            var mounts = root.GetProperty("mounts").EnumerateArray().ToList();
            Assert.Equal(RuntimeFolder, mounts.Single(m => m.GetProperty("destination").GetString() == "/run/docker/plugins").GetProperty("source").GetString());
            Assert.Equal("rootfs/data", mounts.Single(m => m.GetProperty("destination").GetString() == "/data").GetProperty("source").GetString());
            Assert.Equal("shared", root.GetProperty("linux").GetProperty("rootfsPropagation").GetString());
        }

        // Docker's format: what Docker needs to start the app, and no capability beyond its defaults.
        using (var plugin = JsonDocument.Parse(File.ReadAllText(project.BundleFile(Path.Combine("plugin", "config.json")))))
        {
            var root = plugin.RootElement;
            Assert.Equal("volume.sock", root.GetProperty("Interface").GetProperty("Socket").GetString());
            Assert.Equal(["docker.volumedriver/1.0"], root.GetProperty("Interface").GetProperty("Types").EnumerateArray().Select(t => t.GetString()));
            Assert.Equal("/data", root.GetProperty("PropagatedMount").GetString());
            Assert.Equal(["/app/docker-volume-plugin"], root.GetProperty("Entrypoint").EnumerateArray().Select(a => a.GetString()));
            Assert.Equal("/app", root.GetProperty("WorkDir").GetString());
            Assert.Empty(root.GetProperty("Linux").GetProperty("Capabilities").EnumerateArray());
        }

        // A trimmed app on a rootfs of its own: small, since Docker copies it (twice with vfs).
        var names = TarNames(project.BundleFile("plugin.tar.gz"));
        Assert.Equal(["config.json", "rootfs/"], names.Take(2));
        Assert.Contains("rootfs/run/docker/plugins/", names);
        Assert.Contains("rootfs/data/", names);
        Assert.Contains("rootfs/app/docker-volume-plugin", names);
        Assert.DoesNotContain("rootfs/app/System.Xml.dll", names);
        var rootfsBytes = Directory.GetFiles(project.BundleFile(Path.Combine("plugin", "rootfs")), "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        output.WriteLine($"plugin rootfs: {rootfsBytes / 1024 / 1024} MiB in {names.Count} entries");
        Assert.True(rootfsBytes < 48L << 20, $"the plugin rootfs is {rootfsBytes} bytes; was trimming lost?");

        if (!Runc.Usable(output))
        {
            return;
        }

        var bundle = Runc.Unpack(project.BundleDirectory);
        var socket = Path.Combine(RuntimeFolder, "volume.sock");
        var id = "ocib-e2e-" + Guid.NewGuid().ToString("N")[..10];
        using var runc = Start("runc", "run", "--bundle", bundle, id);
        try
        {
            await WaitForSocket(socket, runc);
            using (var client = new PluginClient(socket))
            {
                Assert.Equal("VolumeDriver", (await client.PostAsync("/Plugin.Activate")).Body.GetProperty("Implements")[0].GetString());
                Assert.Equal(200, (await client.PostAsync("/VolumeDriver.Create", """{"Name":"runc-volume","Opts":{}}""")).Status);
                var (status, body, _) = await client.PostAsync("/VolumeDriver.Mount", """{"Name":"runc-volume","ID":"m1"}""");
                Assert.Equal((200, "/data/volumes/runc-volume"), (status, body.GetProperty("Mountpoint").GetString()));
            }

            // The propagated mount of a runc bundle is its own rootfs folder: the volume is there on the host.
            Assert.True(Directory.Exists(Path.Combine(bundle, "rootfs", "data", "volumes", "runc-volume")));

            // What `docker plugin disable` does: SIGTERM; the plugin stops and removes its socket.
            var kill = ProcessResult.Run("runc", ["kill", id, "TERM"], timeout: StepTimeout);
            Assert.True(kill.ExitCode == 0, kill.All);
            Assert.True(runc.WaitForExit(StepTimeout), "the plugin did not stop on SIGTERM");
            Assert.True(runc.ExitCode == 0, $"exit code {runc.ExitCode}: {runc.StandardOutput.ReadToEnd()}{runc.StandardError.ReadToEnd()}");
            Assert.False(File.Exists(socket));
        }
        finally
        {
            ProcessResult.Run("runc", ["delete", "--force", id], timeout: StepTimeout);
        }
    }

    [Fact]
    public void The_sample_plugin_serves_a_volume_that_a_Docker_container_writes_to()
    {
        if (!Docker.Usable(output))
        {
            return;
        }

        var project = BuiltSample();
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var (plugin, volume, image) = ($"ocib-e2e-volume-{suffix}", $"ocib-e2e-{suffix}", $"ocib-e2e-busybox-{suffix}");
        var clock = Stopwatch.StartNew();
        try
        {
            Docker.Succeeds(output, "plugin", "create", plugin, project.BundleFile("plugin"));
            Docker.Succeeds(output, "plugin", "enable", plugin);
            var pluginId = Docker.Succeeds(output, "plugin", "inspect", "--format", "{{.Id}}", plugin).Trim();
            Docker.Succeeds(output, "volume", "create", "--driver", plugin, volume);
            Assert.Equal($"{plugin}:latest", Docker.Succeeds(output, "volume", "inspect", "--format", "{{.Driver}}", volume).Trim());

            ImportBusybox(image);
            Docker.Succeeds(output, "run", "--rm", "--volume", $"{volume}:/data", image, "sh", "-c", "echo hi > /data/f");

            // The volume is the plugin's folder /data/volumes/NAME, which Docker keeps on the host
            // in the plugin's propagated mount; another container sees the file too.
            var dataRoot = Docker.Succeeds(output, "info", "--format", "{{.DockerRootDir}}").Trim();
            var onHost = Path.Combine(dataRoot, "plugins", pluginId, "propagated-mount", "volumes", volume);
            Assert.Equal("hi\n", File.ReadAllText(Path.Combine(onHost, "f")));
            Assert.Equal("hi\n", Docker.Succeeds(output, "run", "--rm", "--volume", $"{volume}:/data", image, "busybox", "cat", "/data/f"));

            Docker.Succeeds(output, "volume", "rm", volume);
            Assert.False(Directory.Exists(onHost));
            Docker.Succeeds(output, "plugin", "disable", plugin);
            Docker.Succeeds(output, "plugin", "rm", plugin);
            output.WriteLine($"Docker steps took {clock.Elapsed.TotalSeconds:F1} s");
        }
        finally
        {
            // Whatever failed above, leave the daemon as it was.
            ProcessResult.Run("docker", ["volume", "rm", "--force", volume], timeout: StepTimeout);
            Docker.RemovePlugin(plugin);
            ProcessResult.Run("docker", ["image", "rm", "--force", image], timeout: StepTimeout);
        }
    }

    /// <summary>A tiny local image, as there is no registry here: the static busybox and /bin/sh.</summary>
    private void ImportBusybox(string image)
    {
        var tar = Path.Combine(feed.Root, image + ".tar");
        using (var file = File.Create(tar))
        using (var writer = new TarWriter(file, TarEntryFormat.Pax))
        {
            writer.WriteEntry(new PaxTarEntry(TarEntryType.Directory, "bin/") { Mode = (UnixFileMode)0b111_101_101 });
            writer.WriteEntry("/bin/busybox", "bin/busybox");
            writer.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "bin/sh") { LinkName = "busybox" });
        }

        Docker.Succeeds(output, "import", tar, image);
    }

    private static Process Start(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start)!;
        process.StandardInput.Close();
        return process;
    }

    /// <summary>Waits until the plugin listens; a plugin that exits or takes over 30 s fails the test.</summary>
    private static async Task WaitForSocket(string socket, Process plugin)
    {
        var clock = Stopwatch.StartNew();
        while (!File.Exists(socket))
        {
            if (plugin.HasExited)
            {
                Assert.Fail($"the plugin exited ({plugin.ExitCode}): {plugin.StandardOutput.ReadToEnd()}{plugin.StandardError.ReadToEnd()}");
            }

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"no socket at {socket} after 30 s");
            await Task.Delay(100);
        }
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
}
