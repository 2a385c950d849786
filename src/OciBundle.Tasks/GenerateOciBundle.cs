using System.Globalization;
using Microsoft.Build.Framework;
using OciBundle.Diagnostics;
using OciBundle.Output;
using MSBuildTask = Microsoft.Build.Utilities.Task;

namespace OciBundle.Tasks;

/// <summary>
/// Writes the OCI bundle. A thin adapter: it copies its parameters into a BundleRequest, runs the
/// core library, and turns diagnostics into MSBuild errors and warnings with file and line. Its
/// input parameters, one per task row of src/OciBundle/Request/SurfaceTable.txt, are generated
/// (OciBundle.SurfaceGenerator) into the other part of this partial class.
/// </summary>
public sealed partial class GenerateOciBundle : MSBuildTask, ICancelableTask
{
    private readonly CancellationTokenSource _cancel = new();

    [Output]
    public ITaskItem[] BundleOutputs { get; private set; } = [];

    [Output]
    public string BundleDirectory { get; private set; } = "";

    public void Cancel() => _cancel.Cancel();

    public override bool Execute()
    {
        try
        {
            var request = RequestFactory.Create(this);
            var result = BundleGenerator.Generate(request, Report, _cancel.Token, () => Log.HasLoggedErrors);
            if (result is null || Log.HasLoggedErrors)
            {
                return false;
            }

            BundleDirectory = result.BundleDirectory;
            BundleOutputs = result.Outputs.Select(ToItem).ToArray();
            LogSummary(result);
            return true;
        }
        catch (OperationCanceledException)
        {
            Log.LogMessage(MessageImportance.High, "OciBundle: cancelled; the output folder was left as it was.");
            return false;
        }
        catch (Exception e)
        {
            // The last net (the core has its own): never MSB4018 and a stack trace on the console.
            Report(BundleGenerator.InternalError(e, "reading the task's parameters"));
            return false;
        }
    }

    private void Report(Diagnostic diagnostic)
    {
        if (diagnostic.Cause is { } cause)
        {
            // Only at -v:diag (or -v:d): what a bug report needs, never on the console by default.
            Log.LogMessage(MessageImportance.Low, $"OciBundle internal error detail: {cause}");
        }

        var location = diagnostic.Location;
        var file = location?.File ?? ProjectFullPath;
        if (diagnostic.Severity is DiagnosticSeverity.Info or DiagnosticSeverity.Detail)
        {
            Log.LogMessage(null, diagnostic.Code, null, file, location?.Line ?? 0, location?.Column ?? 0, 0, 0, diagnostic.Severity == DiagnosticSeverity.Info ? MessageImportance.Normal : MessageImportance.Low, diagnostic.Message);
        }
        else if (diagnostic.Severity == DiagnosticSeverity.Error)
        {
            Log.LogError(null, diagnostic.Code, null, file, location?.Line ?? 0, location?.Column ?? 0, 0, 0, diagnostic.Message);
        }
        else
        {
            Log.LogWarning(null, diagnostic.Code, null, file, location?.Line ?? 0, location?.Column ?? 0, 0, 0, diagnostic.Message);
        }
    }

    private static ITaskItem ToItem(BundleOutputFile output)
    {
        var item = new Microsoft.Build.Utilities.TaskItem(output.Path);
        item.SetMetadata("Kind", output.Kind);
        item.SetMetadata("Sha256", output.Sha256);
        item.SetMetadata("Size", output.Size.ToString(CultureInfo.InvariantCulture));
        return item;
    }

    /// <summary>The one "project -> bundle" line, with what a CI log reader wants: sizes and digests.</summary>
    private void LogSummary(BundleResult result)
    {
        var parts = result.Outputs
            .Where(o => o.Kind is OutputKinds.Rootfs or OutputKinds.BundleArchive or OutputKinds.PluginArchive or OutputKinds.ImageArchive && o.Sha256.Length > 0)
            .Select(o => $"{Path.GetFileName(o.Path)} {FormatSize(o.Size)} sha256:{o.Sha256[..12]}");
        var suffix = result.UpToDate ? ", up to date" : "";
        var details = string.Join(", ", parts);
        Log.LogMessage(MessageImportance.High, $"  {Path.GetFileNameWithoutExtension(ProjectFullPath)} -> {result.BundleDirectory}{Path.DirectorySeparatorChar} ({(details.Length > 0 ? details : "rootfs/")}{suffix})");
    }

    private static string FormatSize(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.0} KiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):0.0} MiB"),
    };
}
