using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace OciBundle.EndToEnd.Tests;

/// <summary>
/// containerd takes our config.json as it is: `ctr run --config` hands the spec to runc through its
/// shim. Only root.path must be absolute, because containerd runs the container from a bundle folder
/// of its own, where the relative "rootfs" does not exist (docs/reliability.md).
/// </summary>
[Collection(SdkFeedCollection.Name)]
public sealed class ContainerdTests(SdkFeed feed, ITestOutputHelper output)
{
    [Fact]
    public void Ctr_runs_a_bundles_config_with_an_absolute_root_path()
    {
        if (!Runc.Usable(output) || ContainerdAddress(output) is not { } address)
        {
            return;
        }

        var project = Projects.CreateShow(feed, "containerd-show");
        project.BuildSucceeds();
        var bundle = Runc.Unpack(project.BundleDirectory);
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(bundle, "config.json")))!;
        config["root"]!["path"] = Path.Combine(bundle, "rootfs");
        var ctrConfig = Path.Combine(bundle, "ctr-config.json");
        File.WriteAllText(ctrConfig, config.ToJsonString());

        var id = Docker.UniqueName("ctr");
        string[] ctr = ["-a", address, "-n", "ocib-e2e"];
        try
        {
            var run = ProcessResult.Run("ctr", [.. ctr, "run", "--rm", "--config", ctrConfig, id], timeout: TimeSpan.FromMinutes(2));
            output.WriteLine(run.All);
            Assert.True(run.ExitCode == 0, "ctr run failed:\n" + run.All);
            Assert.Contains("arg=two words", run.StdOut);
            Assert.Contains("cwd=/srv", run.StdOut);
            Assert.Contains("uid=1000 gid=1001", run.StdOut);
            Assert.Contains("env:GREETING=hello world", run.StdOut);
        }
        finally
        {
            ProcessResult.Run("ctr", [.. ctr, "task", "kill", "--signal", "SIGKILL", id], timeout: TimeSpan.FromSeconds(30));
            ProcessResult.Run("ctr", [.. ctr, "task", "rm", "--force", id], timeout: TimeSpan.FromSeconds(30));
            ProcessResult.Run("ctr", [.. ctr, "container", "rm", id], timeout: TimeSpan.FromSeconds(30));
        }
    }

    /// <summary>
    /// The containerd of the Docker daemon the tests use (DOCKER_HOST unix://DIR/docker.sock, started
    /// with --exec-root DIR/exec, as .ci/run does), else the system's; null after a note outside CI.
    /// </summary>
    internal static string? ContainerdAddress(ITestOutputHelper output)
    {
        var candidates = new List<string>();
        if (Environment.GetEnvironmentVariable("DOCKER_HOST") is { } host && host.StartsWith("unix://", StringComparison.Ordinal))
        {
            candidates.Add(Path.Combine(Path.GetDirectoryName(host["unix://".Length..])!, "exec", "containerd", "containerd.sock"));
        }

        candidates.Add("/run/containerd/containerd.sock");
        var problem = "no containerd socket at " + string.Join(" or ", candidates);
        foreach (var socket in candidates.Where(File.Exists))
        {
            try
            {
                var version = ProcessResult.Run("ctr", ["-a", socket, "version"], timeout: TimeSpan.FromSeconds(30));
                if (version.ExitCode == 0)
                {
                    return socket;
                }

                problem = $"containerd at {socket} does not answer: {version.All.Trim()}";
            }
            catch (System.ComponentModel.Win32Exception)
            {
                problem = "ctr is not installed (apt-get install containerd)";
                break;
            }
        }

        Assert.False(Runc.IsCI, "CI=true but containerd cannot be used: " + problem);
        output.WriteLine("SKIPPED the containerd part: " + problem);
        return null;
    }
}
