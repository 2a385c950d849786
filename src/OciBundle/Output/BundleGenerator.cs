using OciBundle.Building;
using OciBundle.Diagnostics;
using OciBundle.Plugins;
using OciBundle.Rootfs;
using OciBundle.Spec;
using OciBundle.Validation;

namespace OciBundle.Output;

/// <summary>
/// The whole job: request → spec → checks → rootfs → files in a staging folder → moved into place.
/// Every problem the user can fix becomes a coded diagnostic; nothing is written until the
/// request has passed every check, and a failure leaves the output folder as it was.
/// </summary>
public static class BundleGenerator
{
    /// <param name="reportedAsError">
    /// Whether the host turned a reported warning into an error (MSBuildWarningsAsErrors); then the
    /// build stops before anything is moved into place, as for any other error.
    /// </param>
    public static BundleResult? Generate(BundleRequest request, Action<Diagnostic> report, CancellationToken cancellation = default, Func<bool>? reportedAsError = null)
    {
        reportedAsError ??= static () => false;
        var diagnostics = new DiagnosticBag();

        // A plugin config becomes properties and items ahead of the project's: every later stage
        // (spec, checks, fingerprint, plugin output) sees the merged request.
        request = PluginConfigImport.Merge(request, diagnostics);
        var reader = new RequestReader(request, diagnostics);
        var spec = SpecBuilder.Build(request, diagnostics);
        var options = BundleOptions.Read(reader);
        var plan = RootfsPlan.Read(reader);
        SpecRules.Check(spec, reader);
        PluginRules.Check(spec, reader);
        foreach (var d in diagnostics.Items)
        {
            report(d);
        }

        if (diagnostics.HasErrors || options is null || reportedAsError())
        {
            return null;
        }

        var configJson = SpecJson.Serialize(spec);
        var fingerprint = InputFingerprint.Compute(request, configJson, options, plan);
        if (UpToDateStamp.ReadIfCurrent(options.StampFile, fingerprint) is { } current)
        {
            return new BundleResult(options.OutputDirectory, current, UpToDate: true);
        }

        try
        {
            var outputs = Write(reader, spec, options, plan, report, reportedAsError, cancellation);
            UpToDateStamp.Write(options.StampFile, fingerprint, outputs);
            return new BundleResult(options.OutputDirectory, outputs, UpToDate: false);
        }
        catch (OciBundleException e)
        {
            report(e.Diagnostic);
            return null;
        }
        catch (AlreadyReported)
        {
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            report(Diagnostic.Error(Messages.WriteFailed, null, options.OutputDirectory, e.Message.TrimEnd('.')));
            return null;
        }
    }

    private static IReadOnlyList<BundleOutputFile> Write(
        RequestReader request, RuntimeSpec spec, BundleOptions options, RootfsPlan plan, Action<Diagnostic> report, Func<bool> reportedAsError, CancellationToken cancellation)
    {
        using var staging = BundleStaging.Create(options.OutputDirectory);
        var tree = plan.Apply(staging.SpoolDirectory, report);
        MountPoints.AddTo(tree, spec);
        PluginRootfs.AddMountPoints(request, tree);
        CheckAgainstRootfs(request.Request, spec, plan, tree, report);
        var sorted = tree.Sorted();
        var configJson = SpecJson.Serialize(spec);
        cancellation.ThrowIfCancellationRequested();

        var staged = new List<BundleOutputFile>();
        var sumLines = new List<string>();
        if (options.BundleFormat.HasFlag(BundleFormat.Runc))
        {
            var (rootfs, rootfsLines) = BundleFiles.WriteRootfs(staging.Directory, options, sorted);
            cancellation.ThrowIfCancellationRequested();
            var config = BundleFiles.WriteConfig(staging.Directory, configJson);
            sumLines.Add(BundleFiles.SumLine(config.Sha256, BundleFiles.ConfigFileName));
            sumLines.AddRange(rootfsLines);
            staged.AddRange([config, rootfs]);
        }

        if (options.BundleFormat.HasFlag(BundleFormat.DockerPlugin))
        {
            cancellation.ThrowIfCancellationRequested();
            var (directory, archive, pluginLines) = PluginFiles.Write(staging.Directory, options, PluginConfigWriter.Write(request, spec), sorted);
            sumLines.AddRange(pluginLines);
            staged.AddRange([directory, archive]);
        }

        staged.Add(BundleFiles.WriteChecksums(staging.Directory, sumLines));
        if (options.ArchivePath is not null && options.BundleFormat.HasFlag(BundleFormat.Runc))
        {
            cancellation.ThrowIfCancellationRequested();
            staged.Add(BundleFiles.WriteArchive(Path.Combine(staging.Directory, ".bundle-archive"), options, configJson, sorted));
        }

        cancellation.ThrowIfCancellationRequested();
        if (reportedAsError())
        {
            throw new AlreadyReported(); // a warning of the rootfs checks became an error
        }

        return staging.Commit(staged, options.ArchivePath);
    }

    /// <summary>
    /// What only the finished rootfs can tell: the shared libraries its programs need (added
    /// first, so the checks see them), user and group names, the entrypoint. Every problem is
    /// reported before giving up.
    /// </summary>
    private static void CheckAgainstRootfs(BundleRequest request, RuntimeSpec spec, RootfsPlan plan, RootfsTree tree, Action<Diagnostic> report)
    {
        var diagnostics = new DiagnosticBag();
        var reader = new RequestReader(request, diagnostics);
        if (plan.SharedLibraries is { } libraries)
        {
            SharedLibraryCollector.AddTo(tree, libraries, TargetArchitecture.Read(reader), diagnostics);
        }

        AccountResolver.Resolve(reader, spec, tree);
        RootfsRules.Check(reader, spec, tree);
        PluginRootfs.Check(reader, tree);
        foreach (var d in diagnostics.Items)
        {
            report(d);
        }

        if (diagnostics.HasErrors)
        {
            throw new AlreadyReported();
        }
    }

    /// <summary>Unwinds the staging folder after the diagnostics were reported.</summary>
    private sealed class AlreadyReported : Exception;
}
