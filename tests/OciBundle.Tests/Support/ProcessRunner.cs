using System.Diagnostics;

namespace OciBundle.Tests.Support;

public sealed record ProcessResult(int ExitCode, string StandardOutput, string StandardError)
{
    /// <summary>Throws with both outputs unless the process exited with 0; returns standard output.</summary>
    public string EnsureSuccess() => ExitCode == 0
        ? StandardOutput
        : throw new InvalidOperationException($"exit code {ExitCode}\nstdout:\n{StandardOutput}\nstderr:\n{StandardError}");
}

/// <summary>Runs host tools (GNU tar, gzip, stat) that the tests use as independent referees.</summary>
public static class ProcessRunner
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public static ProcessResult Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["LC_ALL"] = "C.UTF-8"; // stable tool output, and UTF-8 names printed as they are
        start.Environment["TZ"] = "UTC";
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Cannot start {file}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish within {Timeout}.");
        }

        return new ProcessResult(process.ExitCode, stdout.Result, stderr.Result);
    }
}
