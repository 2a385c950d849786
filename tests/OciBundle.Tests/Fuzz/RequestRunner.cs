using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using OciBundle.Diagnostics;
using OciBundle.Output;
using OciBundle.Request;
using OciBundle.Settings;
using OciBundle.Tests.Building;
using OciBundle.Tests.Support;

namespace OciBundle.Tests.Fuzz;

/// <summary>The outcome of one generated request: what was reported and, on success, the parsed config.json.</summary>
internal sealed record FuzzOutcome(GeneratedRequest Request, IReadOnlyList<Diagnostic> Reported, JsonDocument? Config, string? Violation)
{
    public TimeSpan Elapsed { get; init; }
}

/// <summary>
/// Runs one generated request through <see cref="BundleGenerator.Generate"/> in a project folder
/// of its own and checks what must hold for any input: no exception; success means a config.json
/// and warnings only; failure means coded errors, no staging folder left and the output folder as
/// it was; and nothing outside the bundle's own names is ever deleted.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
internal static partial class RequestRunner
{
    [GeneratedRegex("^OCIB[1-5][0-9]{3}$")]
    private static partial Regex CodePattern();

    public static FuzzOutcome Run(FuzzFixture fixture, int seed)
    {
        var generated = fixture.Generator.Create(seed);
        var project = Path.Combine(fixture.Runs, "r" + seed);
        var started = Stopwatch.GetTimestamp();
        try
        {
            return Run(generated, project) with { Elapsed = Stopwatch.GetElapsedTime(started) };
        }
        finally
        {
            Remove(project);
        }
    }

    private static FuzzOutcome Run(GeneratedRequest generated, string project)
    {
        Directory.CreateDirectory(project);
        File.WriteAllText(Path.Combine(project, GeneratedRequest.OccupiedFileName), "occupied");
        File.WriteAllText(Path.Combine(project, GeneratedRequest.SentinelFileName), "sentinel");
        var output = generated.Property(SurfaceNames.BundleOutputPath) is { } o && !string.IsNullOrWhiteSpace(o)
            ? Path.TrimEndingDirectorySeparator(Path.GetFullPath(o.Trim(), project))
            : null;
        string? foreign = null;
        if (generated.OutputExistsBefore && output is not null && !File.Exists(output) && !File.Exists(Path.GetDirectoryName(output)))
        {
            Directory.CreateDirectory(output);
            foreign = Path.Combine(output, "keep.txt");
            File.WriteAllText(foreign, "foreign");
        }

        var outputExisted = output is not null && Directory.Exists(output);
        var reported = new List<Diagnostic>();
        BundleResult? result;
        try
        {
            result = BundleGenerator.Generate(ToBundleRequest(generated, project), reported.Add);
        }
        catch (Exception e)
        {
            return new FuzzOutcome(generated, reported, null, "threw " + e);
        }

        string? Violation(string text) => $"{text}\nreported:\n  {string.Join("\n  ", reported)}";

        if (reported.FirstOrDefault(d => !CodePattern().IsMatch(d.Code)) is { } badCode)
        {
            return new FuzzOutcome(generated, reported, null, Violation($"a diagnostic without an OCIBnnnn code: {badCode}"));
        }

        if (!File.Exists(Path.Combine(project, GeneratedRequest.SentinelFileName)))
        {
            return new FuzzOutcome(generated, reported, null, Violation($"the build deleted {GeneratedRequest.SentinelFileName}, a file beside the project that is not one of its outputs"));
        }

        if (foreign is not null && !File.Exists(foreign))
        {
            return new FuzzOutcome(generated, reported, null, Violation($"the build deleted {foreign}, a foreign file in the output folder"));
        }

        if (Directory.EnumerateDirectories(project, ".oci-staging-*", SearchOption.AllDirectories).FirstOrDefault() is { } staging)
        {
            return new FuzzOutcome(generated, reported, null, Violation($"a staging folder was left behind: {staging}"));
        }

        if (result is null)
        {
            if (!reported.Any(d => d.Severity == DiagnosticSeverity.Error))
            {
                return new FuzzOutcome(generated, reported, null, Violation("no result and no error reported"));
            }

            if (output is not null && !outputExisted && Directory.Exists(output))
            {
                return new FuzzOutcome(generated, reported, null, Violation($"a failed build left the output folder {output} behind"));
            }

            return new FuzzOutcome(generated, reported, null, null);
        }

        if (reported.FirstOrDefault(d => d.Severity == DiagnosticSeverity.Error) is { } error)
        {
            return new FuzzOutcome(generated, reported, null, Violation($"a result although an error was reported: {error}"));
        }

        var configPath = Path.Combine(result.BundleDirectory, "config.json");
        if (!File.Exists(configPath))
        {
            return new FuzzOutcome(generated, reported, null, Violation($"a result without {configPath}"));
        }

        try
        {
            return new FuzzOutcome(generated, reported, JsonDocument.Parse(File.ReadAllBytes(configPath)), null);
        }
        catch (JsonException e)
        {
            return new FuzzOutcome(generated, reported, null, Violation($"config.json does not parse: {e.Message}"));
        }
    }

    /// <summary>The request the MSBuild task would make: RootfsFile items carry FullPath (mostly) and RecursiveDir.</summary>
    public static BundleRequest ToBundleRequest(GeneratedRequest generated, string project)
    {
        var request = generated.WithDefaultItems ? RequestBuilder.Defaults() : new BundleRequest();
        request = WithProjectDirectory(request, project);
        request.With(SurfaceNames.BundleOutputPath, null).With(BundleOptions.StampFileProperty, Path.Combine(project, "obj", "oci-bundle.stamp"));
        foreach (var (name, value) in generated.Properties)
        {
            request.With(name, value);
        }

        foreach (var group in generated.Items.GroupBy(i => i.Type))
        {
            var items = request.GetItems(group.Key).Concat(group.Select(i => ToRequestItem(i, project, generated.Seed)));
            request.WithItems(group.Key, items.ToList());
        }

        return request;
    }

    private static BundleRequest WithProjectDirectory(BundleRequest defaults, string project)
    {
        var request = new BundleRequest { ProjectDirectory = project };
        foreach (var (name, value) in defaults.Properties)
        {
            request.With(name, value);
        }

        // The SDK has no default command; RequestBuilder's entrypoint is for the spec tests.
        foreach (var (type, items) in defaults.Items.Where(i => i.Key != SurfaceNames.Entrypoint))
        {
            request.WithItems(type, items);
        }

        return request;
    }

    private static RequestItem ToRequestItem(GeneratedItem item, string project, int seed)
    {
        var metadata = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in item.Metadata)
        {
            metadata[name] = value; // MSBuild keeps the last of two same-named metadata
        }

        // MSBuild always gives FullPath; a core caller may not, so some items leave it out.
        if (item.Type == SurfaceNames.RootfsFile && (seed + item.Include.Length) % 4 != 0 && !item.Include.Contains('\0'))
        {
            metadata["FullPath"] = Path.GetFullPath(item.Include, project);
            metadata["RecursiveDir"] = seed % 3 == 0 ? "sub/dir/" : "";
        }

        return new RequestItem(item.Include, metadata);
    }

    private static void Remove(string project)
    {
        if (!Directory.Exists(project))
        {
            return; // a build that deleted its own project folder was reported above
        }

        try
        {
            Directory.Delete(project, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Read-only folders of a directory rootfs: open them up, then try once more.
            ProcessRunner.Run("chmod", "-R", "u+rwx", project);
            Directory.Delete(project, recursive: true);
        }
    }
}
