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
        ProcessResult result;
        try
        {
            result = ProcessResult.Run(tool, args, timeout: CallTimeout);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"{tool} is missing ({e.Message}): install Debian's {tool} (.ci/run does)", e);
        }

        output.WriteLine($"$ {tool} {string.Join(' ', args)}  → exit {result.ExitCode}");
        Assert.True(result.ExitCode == 0, $"{tool} {string.Join(' ', args)} failed ({result.ExitCode}):\n{result.All}");
        return result.StdOut;
    }

    /// <summary>
    /// A base image made the way a user would make one by hand: umoci starts an empty image at
    /// <paramref name="layout"/>:<paramref name="tag"/>, and each <see cref="AddLayer"/> unpacks it,
    /// lets the test write into the rootfs and repacks it as one more layer.
    /// </summary>
    public static void NewImage(ITestOutputHelper output, string layout, string tag)
    {
        Succeeds(output, "umoci", "init", "--layout", layout);
        Succeeds(output, "umoci", "new", "--image", $"{layout}:{tag}");
    }

    /// <summary>One layer on top of the image: <paramref name="fill"/> gets the unpacked rootfs folder (the unpacked bundle is removed afterwards).</summary>
    public static void AddLayer(ITestOutputHelper output, string layout, string tag, Action<string> fill)
    {
        var bundle = layout.TrimEnd('/') + "-umoci-bundle";
        Succeeds(output, "umoci", "unpack", "--rootless", "--image", $"{layout}:{tag}", bundle);
        fill(Path.Combine(bundle, "rootfs"));
        Succeeds(output, "umoci", "repack", "--image", $"{layout}:{tag}", bundle);
        Directory.Delete(bundle, recursive: true);
    }

    /// <summary>umoci config on the image, e.g. "--config.user", "1000".</summary>
    public static void Configure(ITestOutputHelper output, string layout, string tag, params string[] options) =>
        Succeeds(output, "umoci", ["config", "--image", $"{layout}:{tag}", .. options]);

    /// <summary>skopeo copy of the layout's tag to an oci-archive (what OciBaseImage reads as oci-archive:FILE:TAG).</summary>
    public static void ToOciArchive(ITestOutputHelper output, string layout, string tag, string archive, string? archiveTag = null) =>
        Succeeds(output, "skopeo", "--insecure-policy", "copy", $"oci:{layout}:{tag}", archiveTag is null ? $"oci-archive:{archive}" : $"oci-archive:{archive}:{archiveTag}");
}
