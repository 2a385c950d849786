using System.Globalization;
using Microsoft.Build.Framework;
using OciBundle.Building;
using OciBundle.Diagnostics;
using OciBundle.Output;
using MSBuildTask = Microsoft.Build.Utilities.Task;

namespace OciBundle.Tasks;

/// <summary>
/// Writes the OCI bundle. A thin adapter: it copies its parameters into a BundleRequest, runs the
/// core library, and turns diagnostics into MSBuild errors and warnings with file and line.
/// </summary>
public sealed class GenerateOciBundle : MSBuildTask, ICancelableTask
{
    private readonly CancellationTokenSource _cancel = new();

    // General
    public string? OciBundleName { get; set; }

    [Required]
    public string OciBundleOutputPath { get; set; } = "";

    public string? OciBundleArchivePath { get; set; }

    public string? OciRootfsFormat { get; set; }

    public string? OciRootfsCompressionLevel { get; set; }

    public string? OciSourceDateEpoch { get; set; }

    public string? OciSpecVersion { get; set; }

    public string? OciTargetArchitecture { get; set; }

    /// <summary>MSBuild's own RuntimeIdentifier: OciTargetArchitecture's default comes from it.</summary>
    public string? RuntimeIdentifier { get; set; }

    // Process
    public ITaskItem[] OciEntrypoint { get; set; } = [];

    public ITaskItem[] OciArgs { get; set; } = [];

    public ITaskItem[] OciEnvironmentVariable { get; set; } = [];

    public string? OciWorkingDirectory { get; set; }

    public string? OciUser { get; set; }

    public string? OciHostname { get; set; }

    public string? OciTerminal { get; set; }

    public string? OciNoNewPrivileges { get; set; }

    public string? OciRootfsReadonly { get; set; }

    public ITaskItem[] OciRlimit { get; set; } = [];

    public ITaskItem[] OciAdditionalGroup { get; set; } = [];

    public string? OciUmask { get; set; }

    public string? OciOomScoreAdj { get; set; }

    // Isolation
    public string? OciSeccompProfile { get; set; }

    public ITaskItem[] OciCapability { get; set; } = [];

    public ITaskItem[] OciMaskedPath { get; set; } = [];

    public ITaskItem[] OciReadonlyPath { get; set; } = [];

    public ITaskItem[] OciNamespace { get; set; } = [];

    public ITaskItem[] OciMount { get; set; } = [];

    public string? OciPrivileged { get; set; }

    public ITaskItem[] OciDevice { get; set; } = [];

    public string? OciAllowAllDevices { get; set; }

    public string? OciNetworkMode { get; set; }

    public string? OciHostIpc { get; set; }

    public string? OciHostPid { get; set; }

    public string? OciUserNamespace { get; set; }

    public ITaskItem[] OciUidMapping { get; set; } = [];

    public ITaskItem[] OciGidMapping { get; set; } = [];

    public string? OciRootless { get; set; }

    public string? OciApparmorProfile { get; set; }

    public string? OciSelinuxLabel { get; set; }

    public string? OciMountLabel { get; set; }

    public string? OciRootfsPropagation { get; set; }

    public ITaskItem[] OciSysctl { get; set; } = [];

    public ITaskItem[] OciAnnotation { get; set; } = [];

    public ITaskItem[] OciHook { get; set; } = [];

    // Resources
    public string? OciMemoryLimit { get; set; }

    public string? OciMemoryReservation { get; set; }

    public string? OciMemorySwap { get; set; }

    public string? OciCpus { get; set; }

    public string? OciCpuShares { get; set; }

    public string? OciCpuQuota { get; set; }

    public string? OciCpuPeriod { get; set; }

    public string? OciCpusetCpus { get; set; }

    public string? OciCpusetMems { get; set; }

    public string? OciPidsLimit { get; set; }

    public string? OciBlockIOWeight { get; set; }

    // Root filesystem content
    public string? OciBaseRootfs { get; set; }

    public string? OciBaseRootfsMaxSize { get; set; }

    /// <summary>OciBaseImage: the base image as a transport reference (oci:, oci-archive:, docker-archive:).</summary>
    public string? OciBaseImage { get; set; }

    /// <summary>The .NET SDK's ContainerBaseImage, read when OciBaseImage is unset.</summary>
    public string? ContainerBaseImage { get; set; }

    public ITaskItem[] OciRootfsFile { get; set; } = [];

    public ITaskItem[] OciRootfsDirectory { get; set; } = [];

    public ITaskItem[] OciRootfsSymlink { get; set; } = [];

    // Plugin metadata
    public string? OciPluginConfig { get; set; }

    public string? OciPluginRuntimeSource { get; set; }

    public string? OciBundleFormat { get; set; }

    public string? OciPluginSocket { get; set; }

    public string? OciPluginProtocolScheme { get; set; }

    public string? OciDescription { get; set; }

    public string? OciDocumentationUrl { get; set; }

    public string? OciPropagatedMount { get; set; }

    public ITaskItem[] OciPluginInterface { get; set; } = [];

    // .NET apps
    public string? OciIncludePublishOutput { get; set; }

    public string? OciAppDirectory { get; set; }

    /// <summary>The published files (the targets' @(_OciPublishFile)), each with RelativePath.</summary>
    public ITaskItem[] OciPublishFile { get; set; } = [];

    /// <summary>MSBuild's AssemblyName and TargetFileName: the apphost's and the app dll's names.</summary>
    public string? AssemblyName { get; set; }

    public string? TargetFileName { get; set; }

    public string? OciIncludeSharedLibraries { get; set; }

    public string? OciSysroot { get; set; }

    public ITaskItem[] OciSharedLibrary { get; set; } = [];

    // OCI images
    public string? OciImageName { get; set; }

    public ITaskItem[] OciImageTag { get; set; } = [];

    public ITaskItem[] OciPort { get; set; } = [];

    public ITaskItem[] OciLabel { get; set; } = [];

    public string? OciGenerateLabels { get; set; }

    /// <summary>MSBuild's project properties the generated org.opencontainers.image.* labels come from.</summary>
    public string? Version { get; set; }

    public string? SourceRevisionId { get; set; }

    public string? RepositoryUrl { get; set; }

    public string? Title { get; set; }

    public string? Description { get; set; }

    public string? Authors { get; set; }

    public string? PackageLicenseExpression { get; set; }

    /// <summary>MSBuild's Company: the bill of materials' supplier of the bundle package (with Authors above).</summary>
    public string? Company { get; set; }

    /// <summary>The .NET SDK's container properties the SDK cannot honour: each set one is warning OCIB1115.</summary>
    public string? ContainerRegistry { get; set; }

    public string? LocalRegistry { get; set; }

    public string? ContainerArchiveOutputPath { get; set; }

    public string? ContainerFamily { get; set; }

    public string? ContainerRuntimeIdentifiers { get; set; }

    public string? ContainerImageFormat { get; set; }

    public string? ContainerAppCommandInstruction { get; set; }

    public string? ContainerInformationUrl { get; set; }

    public string? ContainerDocumentationUrl { get; set; }

    public string? ContainerVendor { get; set; }

    // Software bill of materials
    public string? OciSbom { get; set; }

    // Plumbing
    /// <summary>The project being built: relative paths are resolved against its folder, and it names the bundle in the log.</summary>
    [Required]
    public string ProjectFullPath { get; set; } = "";

    public string? StampFile { get; set; }

    /// <summary>The project and import files whose property elements errors may point at, in evaluation order.</summary>
    public ITaskItem[] ProjectFiles { get; set; } = [];

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
