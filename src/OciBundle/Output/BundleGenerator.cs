using OciBundle.Building;
using OciBundle.Diagnostics;
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
    public static BundleResult? Generate(BundleRequest request, Action<Diagnostic> report, CancellationToken cancellation = default)
    {
        var diagnostics = new DiagnosticBag();
        var reader = new RequestReader(request, diagnostics);
        var spec = SpecBuilder.Build(request, diagnostics);
        var options = BundleOptions.Read(reader);
        var plan = RootfsPlan.Read(reader);
        SpecRules.Check(spec, reader);
        foreach (var d in diagnostics.Items)
        {
            report(d);
        }

        if (diagnostics.HasErrors || options is null)
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
            var outputs = Write(reader, spec, options, plan, report, cancellation);
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
            report(Diagnostic.Error(Messages.WriteFailed, null, options.OutputDirectory, e.Message));
            return null;
        }
    }

    private static IReadOnlyList<BundleOutputFile> Write(
        RequestReader request, RuntimeSpec spec, BundleOptions options, RootfsPlan plan, Action<Diagnostic> report, CancellationToken cancellation)
    {
        using var staging = BundleStaging.Create(options.OutputDirectory);
        var tree = plan.Apply(staging.SpoolDirectory, report);
        MountPoints.AddTo(tree, spec);
        CheckAgainstRootfs(request.Request, spec, plan, tree, report);
        var sorted = tree.Sorted();
        var configJson = SpecJson.Serialize(spec);
        cancellation.ThrowIfCancellationRequested();

        var (rootfs, sumLines) = BundleFiles.WriteRootfs(staging.Directory, options, sorted);
        cancellation.ThrowIfCancellationRequested();
        var config = BundleFiles.WriteConfig(staging.Directory, configJson);
        sumLines.Insert(0, BundleFiles.SumLine(config.Sha256, BundleFiles.ConfigFileName));
        var sums = BundleFiles.WriteChecksums(staging.Directory, sumLines);
        var staged = new List<BundleOutputFile> { config, rootfs, sums };
        if (options.ArchivePath is not null)
        {
            cancellation.ThrowIfCancellationRequested();
            staged.Add(BundleFiles.WriteArchive(Path.Combine(staging.Directory, ".bundle-archive"), options, configJson, sorted));
        }

        cancellation.ThrowIfCancellationRequested();
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
