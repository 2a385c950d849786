using System.Formats.Tar;
using System.IO.Compression;
using Xunit.Abstractions;

namespace OciBundle.EndToEnd.Tests;

/// <summary>
/// Runs bundles with the real runc. Outside CI a machine without runc (or not root) skips the
/// container part with a note; with CI=true that is a failure, so CI never passes by skipping.
/// </summary>
internal static class Runc
{
    private static readonly Lazy<string?> Missing = new(FindProblem);

    public static bool IsCI => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>True when runc can run here; false (after a note) when a developer's machine cannot; fails in CI.</summary>
    public static bool Usable(ITestOutputHelper output)
    {
        if (Missing.Value is not { } problem)
        {
            return true;
        }

        Assert.False(IsCI, $"CI=true but runc cannot run containers here: {problem}");
        output.WriteLine($"SKIPPED the runc part: {problem}");
        return false;
    }

    /// <summary>Runs the bundle in <paramref name="bundleDirectory"/> and returns what it printed; the container is always deleted.</summary>
    public static ProcessResult Run(string bundleDirectory)
    {
        var id = "ocib-e2e-" + Guid.NewGuid().ToString("N")[..10];
        try
        {
            return ProcessResult.Run("runc", ["run", "--bundle", bundleDirectory, id], bundleDirectory, timeout: TimeSpan.FromSeconds(60));
        }
        finally
        {
            ProcessResult.Run("runc", ["delete", "--force", id], timeout: TimeSpan.FromSeconds(30));
        }
    }

    /// <summary>Makes a runnable bundle folder from a built one: config.json plus the rootfs tarball unpacked with GNU tar.</summary>
    public static string Unpack(string builtBundle)
    {
        var target = Path.Combine(Path.GetDirectoryName(builtBundle.TrimEnd('/'))!, "unpacked-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Path.Combine(target, "rootfs"));
        File.Copy(Path.Combine(builtBundle, "config.json"), Path.Combine(target, "config.json"));
        var tarball = File.Exists(Path.Combine(builtBundle, "rootfs.tar.gz")) ? "rootfs.tar.gz" : "rootfs.tar";
        var tar = ProcessResult.Run("tar", ["-xpf", Path.Combine(builtBundle, tarball), "-C", Path.Combine(target, "rootfs"), "--numeric-owner"]);
        Assert.True(tar.ExitCode == 0, tar.All);
        return target;
    }

    private static string? FindProblem()
    {
        try
        {
            var version = ProcessResult.Run("runc", ["--version"]);
            if (version.ExitCode != 0)
            {
                return "runc --version failed: " + version.All;
            }
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "runc is not installed (apt-get install runc)";
        }

        return Environment.UserName == "root" ? null : "runc needs root here";
    }
}
