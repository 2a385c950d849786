namespace OciBundle.EndToEnd.Tests;

/// <summary>
/// Keeps a copy of every config.json the end-to-end builds write, so CI can check them all after
/// the tests without the tests depending on the checkers: artifacts/e2e-configs/NAME.json (or
/// $OCIB_E2E_CONFIGS) for the runtime-spec schema (build/validate-configs.py), and
/// artifacts/e2e-bundles/NAME/ (or $OCIB_E2E_BUNDLES) with config.json and the unpacked rootfs
/// beside it for runtime-tools (build/validate-runtime-tools.sh), which looks into the rootfs
/// (root.path, the entrypoint, devices).
/// </summary>
internal static class ConfigCollection
{
    private static readonly string Folder = Environment.GetEnvironmentVariable("OCIB_E2E_CONFIGS") is { Length: > 0 } folder
        ? folder
        : Path.Combine(Repository.Root, "artifacts", "e2e-configs");

    private static readonly string BundlesFolder = Environment.GetEnvironmentVariable("OCIB_E2E_BUNDLES") is { Length: > 0 } folder
        ? folder
        : Path.Combine(Repository.Root, "artifacts", "e2e-bundles");

    public static void Keep(string configJson, string name)
    {
        if (!File.Exists(configJson))
        {
            return;
        }

        Directory.CreateDirectory(Folder);
        File.Copy(configJson, Path.Combine(Folder, name + ".json"), overwrite: true);
        KeepBundle(Path.GetDirectoryName(configJson)!, name);
    }

    /// <summary>config.json and its rootfs (tarball unpacked, or the rootfs folder copied), as runc would get them.</summary>
    private static void KeepBundle(string builtBundle, string name)
    {
        var target = Path.Combine(BundlesFolder, name);
        if (Directory.Exists(target))
        {
            Directory.Delete(target, recursive: true);
        }

        var rootfs = Path.Combine(target, "rootfs");
        Directory.CreateDirectory(target);
        File.Copy(Path.Combine(builtBundle, "config.json"), Path.Combine(target, "config.json"));
        var tarball = new[] { "rootfs.tar.gz", "rootfs.tar.zst", "rootfs.tar" }.Select(f => Path.Combine(builtBundle, f)).FirstOrDefault(File.Exists);
        ProcessResult copy;
        if (tarball is not null)
        {
            Directory.CreateDirectory(rootfs);
            string[] zstd = tarball.EndsWith(".zst", StringComparison.Ordinal) ? ["--zstd"] : [];
            copy = ProcessResult.Run("tar", [.. zstd, "-xpf", tarball, "-C", rootfs, "--numeric-owner"], timeout: TimeSpan.FromMinutes(2));
        }
        else if (Directory.Exists(Path.Combine(builtBundle, "rootfs")))
        {
            copy = ProcessResult.Run("cp", ["-a", Path.Combine(builtBundle, "rootfs"), rootfs], timeout: TimeSpan.FromMinutes(2));
        }
        else
        {
            return; // no rootfs: runtime-tools reports the missing root path
        }

        Assert.True(copy.ExitCode == 0, $"keeping the bundle {name} for runtime-tools failed: {copy.All}");
    }
}
