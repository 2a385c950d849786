using Xunit.Abstractions;

namespace OciBundle.EndToEnd.Tests;

/// <summary>
/// umoci and skopeo, the image tools the output image is handed to. Outside CI a missing one
/// skips that part with a note; with CI=true it fails the test (CI installs both), so CI never
/// passes by skipping.
/// </summary>
internal static class ImageTools
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromMinutes(2);

    public static bool Usable(ITestOutputHelper output, string tool)
    {
        string? problem;
        try
        {
            var version = ProcessResult.Run(tool, ["--version"], timeout: TimeSpan.FromSeconds(30));
            problem = version.ExitCode == 0 ? null : $"{tool} --version failed: {version.All.Trim()}";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            problem = $"{tool} is not installed (apt-get install {tool})";
        }

        if (problem is null)
        {
            return true;
        }

        Assert.False(Runc.IsCI, $"CI=true but {problem}");
        output.WriteLine($"SKIPPED the {tool} part: {problem}");
        return false;
    }

    /// <summary>Runs the tool and fails the test with its output unless it exits 0; returns standard output.</summary>
    public static string Succeeds(ITestOutputHelper output, string tool, params string[] args)
    {
        var result = ProcessResult.Run(tool, args, timeout: CallTimeout);
        output.WriteLine($"$ {tool} {string.Join(' ', args)}  → exit {result.ExitCode}");
        Assert.True(result.ExitCode == 0, $"{tool} {string.Join(' ', args)} failed ({result.ExitCode}):\n{result.All}");
        return result.StdOut;
    }
}
