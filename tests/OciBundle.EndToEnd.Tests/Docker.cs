using Xunit.Abstractions;

namespace OciBundle.EndToEnd.Tests;

/// <summary>
/// The real Docker for the end-to-end tests: the docker CLI against $DOCKER_HOST (in CI the
/// dockerd that .ci/run starts; on a developer's machine whatever DOCKER_HOST names, or the
/// default socket). Every call is bounded. Outside CI a missing or unreachable Docker skips the
/// Docker part with a note; with CI=true it fails the test, so CI never passes by skipping.
/// </summary>
internal static class Docker
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromMinutes(2);

    private static readonly Lazy<string?> Problem = new(FindProblem);

    /// <summary>True when Docker answers; false (after a note) when a developer's machine has none; fails in CI.</summary>
    public static bool Usable(ITestOutputHelper output)
    {
        if (Problem.Value is not { } problem)
        {
            return true;
        }

        Assert.False(Runc.IsCI, $"CI=true but Docker cannot be used: {problem}");
        output.WriteLine($"SKIPPED the Docker part: {problem}");
        return false;
    }

    /// <summary>A name no other test or earlier run uses (plugins live in the daemon, not in the test's folder).</summary>
    public static string UniqueName(string prefix) => $"ocib-e2e-{prefix}-{Guid.NewGuid().ToString("N")[..10]}";

    /// <summary>Every docker call's result, one line each, which .ci/run prints into the CI log after the tests.</summary>
    private static readonly string StepLog = Path.Combine(Repository.Root, "artifacts", "e2e-docker.log");

    private static readonly Lock StepLogLock = new();

    public static ProcessResult Run(ITestOutputHelper output, params string[] args)
    {
        var result = ProcessResult.Run("docker", args, timeout: CallTimeout);
        var line = $"$ docker {string.Join(' ', args.Select(a => a.Contains(' ', StringComparison.Ordinal) ? $"'{a}'" : a))}  → exit {result.ExitCode}";
        output.WriteLine(line);
        lock (StepLogLock)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(StepLog)!);
            var firstError = result.ExitCode == 0 ? "" : "  " + result.StdErr.Split('\n').FirstOrDefault(l => l.Trim().Length > 0)?.Trim();
            File.AppendAllText(StepLog, line + firstError + "\n");
        }

        if (result.All.Trim() is { Length: > 0 } text)
        {
            output.WriteLine(text.Length > 2000 ? text[..2000] + " …" : text);
        }

        return result;
    }

    /// <summary>Runs docker and fails the test with its output unless it exits 0; returns standard output.</summary>
    public static string Succeeds(ITestOutputHelper output, params string[] args)
    {
        var result = Run(output, args);
        Assert.True(result.ExitCode == 0, $"docker {string.Join(' ', args)} failed ({result.ExitCode}):\n{result.All}");
        return result.StdOut;
    }

    /// <summary>Disables (forcibly) and removes a plugin if it exists; for finally blocks, so it never throws.</summary>
    public static void RemovePlugin(string name)
    {
        try
        {
            ProcessResult.Run("docker", ["plugin", "disable", "--force", name], timeout: CallTimeout);
            ProcessResult.Run("docker", ["plugin", "rm", "--force", name], timeout: CallTimeout);
        }
        catch (TimeoutException)
        {
            // Reported by the step that hung; the daemon is CI's own and goes away with it.
        }
    }

    private static string? FindProblem()
    {
        try
        {
            var version = ProcessResult.Run("docker", ["version", "--format", "{{.Server.Version}}"], timeout: TimeSpan.FromSeconds(30));
            if (version.ExitCode != 0)
            {
                return $"the Docker daemon does not answer (DOCKER_HOST={Environment.GetEnvironmentVariable("DOCKER_HOST") ?? "unset"}): {version.All.Trim()}";
            }
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "the docker CLI is not installed (apt-get install docker.io)";
        }
        catch (TimeoutException)
        {
            return "docker version did not answer in 30 seconds";
        }

        return Environment.UserName == "root" ? null : "Docker plugins need root here";
    }
}
