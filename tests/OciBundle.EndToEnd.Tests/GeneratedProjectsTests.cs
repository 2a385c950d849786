using System.Diagnostics;
using System.Text.RegularExpressions;
using OciBundle.Request;
using OciBundle.Tests.Fuzz;
using Xunit.Abstractions;

namespace OciBundle.EndToEnd.Tests;

/// <summary>
/// A few hundred generated projects (the unit fuzz tests' generator, written as MSBuild XML)
/// built by one `dotnet build` of a traversal project. Each must either produce its bundle or
/// log a coded OCIB error naming its project file; the task must never crash, return false
/// without an error, or print a stack trace.
/// </summary>
[Collection(SdkFeedCollection.Name)]
public sealed partial class GeneratedProjectsTests(SdkFeed feed, ITestOutputHelper log)
{
    private const int FirstSeed = 2_000_000;
    private const int Count = 240;

    /// <summary>"1>Project "all.proj" (1) is building "p/p.proj" (7) on node 2": the log's prefix 7> is that project.</summary>
    [GeneratedRegex(@"^\s*\d+>Project ""[^""]+"" \(\d+\) is building ""(?<project>[^""]+)"" \((?<id>\d+)[:)]")]
    private static partial Regex BuildingLine();

    /// <summary>An error line under a project's prefix; the file it names may be the project or an input (a seccomp profile).</summary>
    [GeneratedRegex(@"^\s*(?<id>\d+)>.*?: error (?<code>[A-Z]+[0-9]{4}):")]
    private static partial Regex ErrorLine();

    [Fact]
    public void Generated_projects_build_or_fail_with_a_coded_error_and_never_crash()
    {
        var root = Path.Combine(feed.Root, "generated");
        var inputs = new FuzzInputs(Path.Combine(root, "inputs"));
        var generator = new RandomRequests(inputs);
        var projects = Enumerable.Range(FirstSeed, Count).Select(seed => Create(root, generator.Create(seed), inputs.Root)).ToList();
        var traversal = Path.Combine(root, "all.proj");
        File.WriteAllText(traversal, $"""
            <Project>
              <ItemGroup>
                {string.Join("\n    ", projects.Select(p => $"<P Include=\"{p.File}\" />"))}
              </ItemGroup>
              <Target Name="Build">
                <MSBuild Projects="@(P)" Targets="GenerateOciBundle" ContinueOnError="true" BuildInParallel="true" />
              </Target>
            </Project>
            """);

        var logFile = Path.Combine(root, "build.log");
        var watch = Stopwatch.StartNew();
        var result = ProcessResult.Run(
            "dotnet",
            ["build", traversal, "--no-restore", "-m:2", "-nodeReuse:false", $"-flp:logfile={logFile};verbosity=normal"],
            root,
            feed.Environment(),
            TimeSpan.FromMinutes(8));
        log.WriteLine($"{Count} projects built in {watch.Elapsed.TotalSeconds:0} s (exit code {result.ExitCode})");
        var text = File.ReadAllText(logFile);

        // The feed folder goes when the run ends; keep the log where CI and a developer can read it.
        var kept = Path.Combine(Repository.Root, "artifacts", "generated-projects.log");
        Directory.CreateDirectory(Path.GetDirectoryName(kept)!);
        File.Copy(logFile, kept, overwrite: true);

        foreach (var forbidden in new[] { "MSB4018", "MSB4181", "Exception", "   at " })
        {
            var line = text.Split('\n').FirstOrDefault(l => l.Contains(forbidden, StringComparison.Ordinal));
            Assert.True(line is null, $"the log contains '{forbidden}': {line}");
        }

        var lines = text.Split('\n');
        var projectOf = lines.Select(l => BuildingLine().Match(l)).Where(m => m.Success)
            .ToDictionary(m => m.Groups["id"].Value, m => m.Groups["project"].Value);
        var errors = lines.Select(l => ErrorLine().Match(l)).Where(m => m.Success)
            .ToLookup(m => projectOf.GetValueOrDefault(m.Groups["id"].Value, "?"), m => m.Groups["code"].Value);
        var problems = new List<string>();
        int built = 0, coded = 0, evaluation = 0;
        foreach (var project in projects)
        {
            var codes = errors[project.File].Distinct().ToList();
            var bundleBuilt = project.Output is not null && File.Exists(Path.Combine(project.Output, "config.json")) && codes.Count == 0;
            if (bundleBuilt)
            {
                built++;
                // For the schema and runtime-tools checks after the tests (.ci/run): random but valid bundles.
                ConfigCollection.Keep(Path.Combine(project.Output!, "config.json"), "generated-" + Path.GetFileName(project.Directory));
            }
            else if (codes.Any(c => c.StartsWith("OCIB", StringComparison.Ordinal)))
            {
                coded++;
            }
            else if (codes.Count > 0 && codes.All(c => c is "MSB4025" or "MSB4066"))
            {
                evaluation++; // MSBuild refused the XML itself
            }
            else
            {
                problems.Add($"{project.File}: neither a bundle nor an OCIB error (codes: {string.Join(", ", codes)})\n{project.Request}");
            }

            if (!File.Exists(Path.Combine(project.Directory, GeneratedRequest.SentinelFileName)))
            {
                problems.Add($"{project.File}: the build deleted {GeneratedRequest.SentinelFileName}\n{project.Request}");
            }
        }

        log.WriteLine($"{built} built, {coded} failed with OCIB errors, {evaluation} refused by MSBuild");
        Assert.True(problems.Count == 0, string.Join("\n\n", problems.Take(5)) + "\n\nlog: " + kept);
        Assert.True(built >= 20 && coded >= 20, "the generator should give both outcomes plenty of times");
    }

    private sealed record Generated(string Directory, string File, string? Output, GeneratedRequest Request);

    private Generated Create(string root, GeneratedRequest request, string inputsRoot)
    {
        var name = "p" + request.Seed;
        var directory = Path.Combine(root, name);
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, GeneratedRequest.OccupiedFileName), "occupied");
        File.WriteAllText(Path.Combine(directory, GeneratedRequest.SentinelFileName), "sentinel");
        var escape = request.Seed % 2 == 0;
        var file = Path.Combine(directory, name + ".proj");
        File.WriteAllText(file, ProjectXmlWriter.Write(request, feed.Version, escape, inputsRoot));

        // Where the bundle goes: the escaped value as given, else the SDK's default folder.
        var output = request.Property(SurfaceNames.BundleOutputPath) is { } value
            ? Path.GetFullPath(value.Trim(), directory)
            : Path.Combine(directory, "bin", "Debug", "net8.0", "oci-bundle");
        return new Generated(directory, file, output, request);
    }
}
