namespace OciBundle.EndToEnd.Tests;

/// <summary>
/// Packs OciBundle.Sdk from this repository once per test run into a temporary feed, with a
/// private NUGET_PACKAGES folder, so every build below uses exactly this code (NuGet never
/// re-extracts a version it has cached).
/// </summary>
public sealed class SdkFeed : IDisposable
{
    public SdkFeed()
    {
        Root = Directory.CreateTempSubdirectory("ocib-e2e-").FullName;
        File.SetUnixFileMode(Root, (UnixFileMode)0b111_101_101); // containers' root must read bundles below
        FeedDirectory = Path.Combine(Root, "feed");
        PackagesDirectory = Path.Combine(Root, "packages");
        var pack = ProcessResult.Run(
            "dotnet",
            ["pack", Path.Combine(Repository.Root, "src", "OciBundle.Sdk", "OciBundle.Sdk.csproj"), "-c", "Release", "-o", FeedDirectory, "-nodeReuse:false", "-p:UseSharedCompilation=false"],
            Repository.Root,
            Environment());
        if (pack.ExitCode != 0)
        {
            throw new InvalidOperationException("dotnet pack failed:\n" + pack.All);
        }

        Package = Directory.GetFiles(FeedDirectory, "OciBundle.Sdk.*.nupkg").Single();
        Version = Path.GetFileNameWithoutExtension(Package)["OciBundle.Sdk.".Length..];
        File.WriteAllText(Path.Combine(Root, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="ocibundle-under-test" value="{FeedDirectory}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
              </packageSources>
            </configuration>
            """);
    }

    /// <summary>Every test project lives below this folder, so they all find its nuget.config.</summary>
    public string Root { get; }

    public string FeedDirectory { get; }

    public string PackagesDirectory { get; }

    public string Package { get; }

    /// <summary>The bytes of <paramref name="path"/> inside the packed .nupkg.</summary>
    public byte[] ReadPackageFile(string path)
    {
        using var package = System.IO.Compression.ZipFile.OpenRead(Package);
        var entry = package.GetEntry(path) ?? throw new InvalidOperationException($"{path} is not in {Package}");
        using var stream = entry.Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    public string Version { get; }

    public Dictionary<string, string> Environment() => new()
    {
        ["NUGET_PACKAGES"] = PackagesDirectory,
        ["MSBUILDDISABLENODEREUSE"] = "1",
        ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        ["DOTNET_NOLOGO"] = "1",
        ["SOURCE_DATE_EPOCH"] = "",
    };

    /// <summary>A new project folder holding <paramref name="projectXml"/> (with {Version} filled in) and the given files.</summary>
    public TestProject CreateProject(string name, string projectXml, params (string Path, string Content, bool Executable)[] files)
    {
        var dir = Path.Combine(Root, name);
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, name + ".proj"), projectXml.Replace("{Version}", Version, StringComparison.Ordinal));
        foreach (var (path, content, executable) in files)
        {
            var full = Path.Combine(dir, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, content);
            if (executable)
            {
                File.SetUnixFileMode(full, (UnixFileMode)0b111_101_101);
            }
        }

        return new TestProject(this, dir, Path.Combine(dir, name + ".proj"));
    }

    public void Dispose()
    {
        ProcessResult.Run("dotnet", ["build-server", "shutdown"], Root, Environment());
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A runc state left behind must not fail the run; the folder is in the temp area.
        }
    }
}

[CollectionDefinition(Name)]
public sealed class SdkFeedCollection : ICollectionFixture<SdkFeed>
{
    public const string Name = "packed SDK";
}
