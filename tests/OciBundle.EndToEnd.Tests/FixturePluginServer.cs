using Xunit.Abstractions;

namespace OciBundle.EndToEnd.Tests;

/// <summary>
/// A test peer, not product code: Fixtures/plugin-server/main.go, a static Go program that serves
/// Docker's plugin protocol on its unix stream socket so Docker can enable the test plugins. Built
/// once per test run with the Go toolchain (golang-go in CI), offline: standard library only,
/// GOPATH mode, CGO_ENABLED=0 for a rootfs without a C library.
/// </summary>
internal static class FixturePluginServer
{
    private static readonly Lazy<(string? Path, string? Problem)> Built = new(Build);

    /// <summary>The built program, or null (after a note) when Go is missing on a developer's machine; fails in CI.</summary>
    public static string? Path(ITestOutputHelper output)
    {
        var (path, problem) = Built.Value;
        if (path is not null)
        {
            return path;
        }

        Assert.False(Runc.IsCI, $"CI=true but the plugin test server cannot be built: {problem}");
        output.WriteLine($"SKIPPED the Docker part: {problem}");
        return null;
    }

    private static (string?, string?) Build()
    {
        var source = System.IO.Path.Combine(Repository.Root, "tests", "OciBundle.EndToEnd.Tests", "Fixtures", "plugin-server", "main.go");
        var work = Directory.CreateTempSubdirectory("ocib-plugin-server-").FullName;
        var output = System.IO.Path.Combine(work, "plugin-server");
        var environment = new Dictionary<string, string>
        {
            ["CGO_ENABLED"] = "0",
            ["GO111MODULE"] = "off",
            ["GOPATH"] = System.IO.Path.Combine(work, "gopath"),
            ["GOCACHE"] = System.IO.Path.Combine(work, "cache"),
            ["GOFLAGS"] = "",
        };
        try
        {
            var result = ProcessResult.Run("go", ["build", "-trimpath", "-ldflags=-s -w", "-o", output, source], work, environment, TimeSpan.FromMinutes(5));
            return result.ExitCode == 0 ? (output, null) : (null, "go build failed: " + result.All);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return (null, "the Go toolchain is not installed (apt-get install golang-go)");
        }
        finally
        {
            // Only the program is needed; the build cache is large.
            foreach (var folder in new[] { "gopath", "cache" })
            {
                var path = System.IO.Path.Combine(work, folder);
                if (Directory.Exists(path))
                {
                    Directory.Delete(path, recursive: true);
                }
            }
        }
    }
}
