namespace OciBundle.EndToEnd.Tests;

/// <summary>A real project on disk, built with the packed SDK.</summary>
public sealed class TestProject(SdkFeed feed, string directory, string projectFile, string targetFramework = "net8.0")
{
    public string Directory { get; } = directory;

    public string ProjectFile { get; } = projectFile;

    public string BundleDirectory => Path.Combine(Directory, "bin", "Debug", targetFramework, "oci-bundle");

    public string BundleFile(string name) => Path.Combine(BundleDirectory, name);

    /// <summary>Environment variables every build of this project gets besides the feed's.</summary>
    public Dictionary<string, string> ExtraEnvironment { get; } = [];

    /// <summary>
    /// Every build the end-to-end tests run goes through here, and every one, good or bad, must be
    /// clean: no MSB4018 (a task that threw), no exception text, no stack trace.
    /// </summary>
    internal ProcessResult Build(params string[] extraArgs) => BuildAs(null, extraArgs);

    /// <summary>
    /// Builds as <paramref name="user"/> (through setpriv, with no supplementary groups and a HOME of
    /// its own) when given; the project folder must be writable by that user and restored already.
    /// </summary>
    internal ProcessResult BuildAs(string? user, params string[] extraArgs)
    {
        var environment = feed.Environment();
        foreach (var (key, value) in ExtraEnvironment)
        {
            environment[key] = value;
        }

        string[] command = ["dotnet", "build", ProjectFile, "-t:GenerateOciBundle", "-nodeReuse:false", "-v:n", .. extraArgs];
        if (user is not null)
        {
            var home = Path.Combine(Directory, ".home");
            System.IO.Directory.CreateDirectory(home);
            ProcessResult.Run("chown", ["-R", user, Directory]);
            environment["HOME"] = home;
            environment["DOTNET_CLI_HOME"] = home;
            command = ["setpriv", $"--reuid={user}", "--regid=nogroup", "--clear-groups", .. command];
        }

        var result = ProcessResult.Run(command[0], command[1..], Directory, environment);
        BuildLog.AssertNoCrash(result);
        return result;
    }

    internal ProcessResult BuildSucceeds(params string[] extraArgs)
    {
        var result = Build(extraArgs);
        Assert.True(result.ExitCode == 0, "dotnet build failed:\n" + result.All);
        ConfigCollection.Keep(BundleFile("config.json"), Path.GetFileName(Directory) + (extraArgs.Length > 0 ? "-" + extraArgs.Length : ""));
        return result;
    }

    /// <summary>Copies the whole project folder (sources only) to a new place under the feed's root.</summary>
    public TestProject CopyTo(string name)
    {
        var target = Path.Combine(Path.GetDirectoryName(Directory)!, name);
        foreach (var file in System.IO.Directory.GetFiles(Directory, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(Directory, file);
            if (relative.StartsWith("bin", StringComparison.Ordinal) || relative.StartsWith("obj", StringComparison.Ordinal))
            {
                continue;
            }

            var destination = Path.Combine(target, relative);
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
            File.SetUnixFileMode(destination, File.GetUnixFileMode(file));
        }

        return new TestProject(feed, target, Path.Combine(target, Path.GetFileName(ProjectFile)));
    }
}
