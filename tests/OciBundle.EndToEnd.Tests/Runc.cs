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

    /// <summary>The capabilities this test process may grant (its bounding set).</summary>
    public static ulong HostBoundingSet() =>
        ulong.Parse(
            File.ReadAllLines("/proc/self/status").Single(l => l.StartsWith("CapBnd:", StringComparison.Ordinal))["CapBnd:".Length..].Trim(),
            System.Globalization.NumberStyles.HexNumber,
            System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Drops from a bundle's config the capabilities this host cannot grant (see the caller).</summary>
    public static void FitCapabilitiesToHost(string bundle)
    {
        var names = new[]
        {
            "CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL", "SETGID", "SETUID", "SETPCAP",
            "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST", "NET_ADMIN", "NET_RAW", "IPC_LOCK", "IPC_OWNER",
            "SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT", "SYS_ADMIN", "SYS_BOOT", "SYS_NICE",
            "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "MKNOD", "LEASE", "AUDIT_WRITE", "AUDIT_CONTROL", "SETFCAP",
            "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG", "WAKE_ALARM", "BLOCK_SUSPEND", "AUDIT_READ", "PERFMON", "BPF",
            "CHECKPOINT_RESTORE",
        };
        var bounding = HostBoundingSet();
        var missing = names.Where((_, bit) => (bounding & (1UL << bit)) == 0).Select(n => "CAP_" + n).ToHashSet();
        var path = Path.Combine(bundle, "config.json");
        var config = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path))!;
        foreach (var (_, set) in config["process"]!["capabilities"]!.AsObject())
        {
            var array = set!.AsArray();
            foreach (var node in array.Where(n => missing.Contains(n!.GetValue<string>())).ToList())
            {
                array.Remove(node);
            }
        }

        File.WriteAllText(path, config.ToJsonString());
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
