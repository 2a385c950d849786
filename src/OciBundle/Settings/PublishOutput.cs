using System.Text.Json;
using OciBundle.Diagnostics;
using OciBundle.Platform;
using OciBundle.Request;
using OciBundle.Rootfs;

namespace OciBundle.Settings;

/// <summary>
/// A .NET app's publish output (OciIncludePublishOutput): the files the publish produced, each
/// placed under OciAppDirectory by its RelativePath, and what they say about how the app starts
/// (an apphost, or 'dotnet app.dll') and whether it needs an installed .NET runtime.
/// </summary>
public sealed class PublishOutput
{
    /// <summary>The targets' item of published files (@(ResolvedFileToPublish) after publish, with RelativePath); internal, so not in SurfaceNames.</summary>
    public const string FileItemType = PlumbingNames.PublishFile;

    /// <summary>MSBuild's own AssemblyName and TargetFileName, passed to the task to find the apphost and the app's dll.</summary>
    public const string AssemblyNameProperty = PlumbingNames.AssemblyName;
    public const string TargetFileNameProperty = PlumbingNames.TargetFileName;

    public const string DefaultAppDirectory = "/app";

    /// <summary>Normalised rootfs folder ("app"), or null when publish output is not included.</summary>
    public string? AppDirectory { get; private init; }

    public IReadOnlyList<RootfsPlan.PlannedFile> Files { get; private init; } = [];

    /// <summary>process.args when the project gives no OciEntrypoint; empty when the output has neither an apphost nor the app's dll.</summary>
    public IReadOnlyList<string> DefaultEntrypoint { get; private init; } = [];

    /// <summary>The runtimeconfig.json names a shared framework: the app runs only where the .NET runtime is installed.</summary>
    public bool IsFrameworkDependent { get; private init; }

    public bool IsIncluded => AppDirectory is not null;

    /// <summary>MSBuild's AssemblyName when the publish output is included, for messages about the app.</summary>
    public string? AssemblyName { get; private init; }

    /// <summary>Read by the settings stage (<see cref="Settings.SettingsReader"/>), once per build; every other stage takes <see cref="Settings.BundleSettings.Publish"/>.</summary>
    public static PublishOutput Read(RequestReader reader)
    {
        if (!SurfaceReads.IncludePublishOutput(reader))
        {
            return new PublishOutput();
        }

        var text = SurfaceReads.AppDirectory(reader) ?? DefaultAppDirectory;
        var appDirectory = NormalizeAppDirectory(reader, text);
        if (appDirectory is null)
        {
            return new PublishOutput();
        }

        var files = new List<RootfsPlan.PlannedFile>();
        foreach (var item in reader.Items(FileItemType))
        {
            var relative = (item.Get("RelativePath") ?? Path.GetFileName(item.ItemSpec)).Replace('\\', '/');
            var hostPath = item.Get("FullPath") ?? Path.GetFullPath(item.ItemSpec, reader.Request.ProjectDirectory);
            if (relative.StartsWith('/') || relative.Split('/').Contains("..")
                || !RootfsPath.TryNormalize(appDirectory + "/" + relative, out var target, out _))
            {
                reader.Diagnostics.Error(Messages.InvalidPublishRelativePath, item.Location, item.ItemSpec, relative, "/" + appDirectory);
                continue;
            }

            if (!File.Exists(hostPath))
            {
                reader.Diagnostics.Error(Messages.PublishFileNotFound, item.Location, relative, hostPath);
                continue;
            }

            files.Add(new RootfsPlan.PlannedFile(hostPath, target, null, 0, 0, $"{SurfaceNames.IncludePublishOutput} {relative}"));
        }

        var assemblyName = reader.String(AssemblyNameProperty);
        var targetFileName = reader.String(TargetFileNameProperty);
        return new PublishOutput
        {
            AppDirectory = appDirectory,
            Files = files,
            DefaultEntrypoint = Entrypoint(files, appDirectory, assemblyName, targetFileName),
            AssemblyName = assemblyName,
            IsFrameworkDependent = assemblyName is not null && NeedsSharedFramework(files, appDirectory + "/" + assemblyName + ".runtimeconfig.json"),
        };
    }

    /// <summary>The apphost (also what single-file and NativeAOT publishes produce) when there is one, else 'dotnet app.dll'.</summary>
    private static List<string> Entrypoint(List<RootfsPlan.PlannedFile> files, string appDirectory, string? assemblyName, string? targetFileName)
    {
        if (assemblyName is not null && files.Any(f => f.TargetPath == appDirectory + "/" + assemblyName))
        {
            return ["/" + appDirectory + "/" + assemblyName];
        }

        if (targetFileName is not null && files.Any(f => f.TargetPath == appDirectory + "/" + targetFileName))
        {
            return ["dotnet", "/" + appDirectory + "/" + targetFileName];
        }

        return [];
    }

    /// <summary>A self-contained app's runtimeconfig.json lists includedFrameworks; a framework-dependent one names framework(s) to find at run time.</summary>
    private static bool NeedsSharedFramework(List<RootfsPlan.PlannedFile> files, string runtimeConfigPath)
    {
        var file = files.FirstOrDefault(f => f.TargetPath == runtimeConfigPath);
        if (file is null)
        {
            return false;
        }

        try
        {
            using var stream = InputFiles.OpenRead(file.HostPath);
            using var document = JsonDocument.Parse(stream, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            return document.RootElement.TryGetProperty("runtimeOptions", out var options)
                && (options.TryGetProperty("framework", out _) || options.TryGetProperty("frameworks", out _));
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            return false; // not ours to judge: the host reports a broken runtimeconfig.json at start
        }
    }

    private static string? NormalizeAppDirectory(RequestReader reader, string text)
    {
        var location = reader.Locate(SurfaceNames.AppDirectory);
        if (!text.StartsWith('/'))
        {
            reader.Diagnostics.Error(Messages.InvalidAppDirectory, location, text, "not an absolute path");
            return null;
        }

        if (!RootfsPath.TryNormalize(text, out var normalized, out var reason) || normalized.Length == 0)
        {
            reader.Diagnostics.Error(Messages.InvalidAppDirectory, location, text, reason ?? "the root itself");
            return null;
        }

        return normalized;
    }
}
