namespace OciBundle.EndToEnd.Tests;

/// <summary>A real project on disk, built with the packed SDK.</summary>
public sealed class TestProject(SdkFeed feed, string directory, string projectFile, string targetFramework = "net8.0")
{
    public string Directory { get; } = directory;

    public string ProjectFile { get; } = projectFile;

    public string BundleDirectory => Path.Combine(Directory, "bin", "Debug", targetFramework, "oci-bundle");

    public string BundleFile(string name) => Path.Combine(BundleDirectory, name);

    internal ProcessResult Build(params string[] extraArgs) =>
        ProcessResult.Run(
            "dotnet",
            ["build", ProjectFile, "-t:GenerateOciBundle", "-nodeReuse:false", "-v:n", .. extraArgs],
            Directory,
            feed.Environment());

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
