using OciBundle.Diagnostics;
using OciBundle.Images;
using OciBundle.Images.Layers;
using OciBundle.Output;
using OciBundle.Output.Image;
using OciBundle.Plugins;
using OciBundle.Request;
using OciBundle.Rootfs;
using OciBundle.Sbom;
using OciBundle.Settings;
using OciBundle.Spec;
using OciBundle.Steps;
using OciBundle.Validation;

namespace OciBundle;

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
        var doing = new Doing();
        try
        {
            return Run(request, report, cancellation, reportedAsError ?? (static () => false), doing);
        }
        catch (OperationCanceledException)
        {
            throw; // the host says it was cancelled
        }
        catch (OciBundleException e)
        {
            report(e.Diagnostic);
            return null;
        }
        catch (Exception e)
        {
            // The net, not the fix: anything a specific check missed becomes one coded error
            // instead of MSBuild's MSB4018 and a stack trace. Nothing was moved into place.
            report(InternalError(e, doing.What));
            return null;
        }
    }

    /// <summary>OCIB5999 for an exception nothing else caught: its type and message, and what was being read.</summary>
    public static Diagnostic InternalError(Exception e, string? doing) =>
        Diagnostic.Error(Messages.InternalError, null, doing is null ? "" : " while " + doing, $"{e.GetType().Name}: {e.Message.TrimEnd('.')}") with { Cause = e };

    private static BundleResult? Run(BundleRequest request, Action<Diagnostic> report, CancellationToken cancellation, Func<bool> reportedAsError, Doing doing)
    {
        var diagnostics = new DiagnosticBag();
        var timings = new BuildTimings().Begin();
        var sinceProcessStart = BuildTimings.SinceProcessStart();

        // A plugin config becomes properties and items ahead of the project's: every later stage
        // (spec, checks, fingerprint, plugin output) sees the merged request.
        doing.What = "reading the project's properties and items";
        request = request.WithPluginConfig(diagnostics);
        var reader = new RequestReader(request, diagnostics);
        var settings = SettingsReader.Read(reader);
        var built = SpecBuilder.Build(reader, settings);
        var spec = built.Spec;
        var options = settings.Output;
        if (options is null)
        {
            diagnostics.Error(Messages.OutputPathMissing, reader.Locate(SurfaceNames.BundleOutputPath));
        }

        SpecRules.Check(built, reader.Diagnostics);
        PluginRules.Check(spec, settings, diagnostics);
        foreach (var d in diagnostics.Items)
        {
            report(d);
        }

        if (diagnostics.HasErrors || options is null || reportedAsError())
        {
            return null;
        }

        timings.Mark("request");

        // Without a stamp the build cannot be up to date, and proving that the bundle already in
        // the output folder is ours means hashing every file of it (no recorded identity to trust,
        // 240 MB for the benchmark's rootfs.tar.gz): started now, on the core the fingerprint
        // leaves idle, and awaited before anything is written (BundleStaging.Create).
        var ownership = options.StampFile is null || !File.Exists(options.StampFile)
            ? Task.Run(() => BundleStaging.CheckOwnership(options.OutputDirectory, options.StampFile))
            : null;
        doing.What = "taking the inputs' fingerprint";
        var configJson = SpecJson.Serialize(spec);
        var inputs = InputFingerprint.ComputeWithEntries(request, configJson, options, settings);
        var fingerprint = inputs.Digest;
        timings.Mark("fingerprint");
        if (UpToDateStamp.ReadIfCurrent(options.StampFile, fingerprint) is { } current)
        {
            timings.Mark("stamp");
            ReportTimings(report, timings, sinceProcessStart);
            return new BundleResult(options.OutputDirectory, current, UpToDate: true);
        }

        // Taken before writing (which changes the outputs' times), said after it worked.
        var why = UpToDateStamp.WhyNotCurrent(options.StampFile, inputs);
        try
        {
            var outputs = Write(reader, settings, spec, options, report, reportedAsError, cancellation, doing, ownership);
            timings.Mark("cleanup");
            report(Diagnostic.Detail(Messages.BundleRewritten, null, why));
            UpToDateStamp.TryWrite(options.StampFile, fingerprint, outputs, inputs.Entries);
            timings.Mark("stamp");
            ReportTimings(report, timings, sinceProcessStart);
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

    /// <summary>OCIB5017 at detailed verbosity: where the time went (docs/performance.md).</summary>
    private static void ReportTimings(Action<Diagnostic> report, BuildTimings timings, double? sinceProcessStart) =>
        report(Diagnostic.Detail(Messages.BuildTimings, null, timings.Summary(), sinceProcessStart is { } s ? s.ToString("F2", System.Globalization.CultureInfo.InvariantCulture) : "?"));

    private static IReadOnlyList<BundleOutputFile> Write(
        RequestReader request, BundleSettings settings, RuntimeSpec spec, BundleOptions options, Action<Diagnostic> report, Func<bool> reportedAsError, CancellationToken cancellation, Doing doing, Task? ownership)
    {
        var (plan, image) = (settings.Rootfs, settings.Image);
        doing.What = $"checking the output folder '{options.OutputDirectory}'";
        var timings = BuildTimings.Current;
        timings?.Mark("why");
        using var staging = BundleStaging.Create(options.OutputDirectory, options.StampFile, ownership);
        timings?.Mark("staging");
        doing.What = plan.BaseRootfs is { } baseRootfs ? $"reading OciBaseRootfs '{baseRootfs}' and the rootfs items"
            : settings.BaseImage.Reference is { } reference ? $"reading {reference.Property} '{reference.Text}' and the rootfs items"
            : "reading the rootfs items";

        // The base image the rootfs starts from: its layers are reused in the image byte for byte.
        var tree = new RootfsTree();
        var baseImage = settings.BaseImage.Image is { } planned ? BaseImageLoader.Load(tree, planned, staging.SpoolDirectory, report, plan.BaseRootfsMaxSize) : null;
        plan.Apply(tree, staging.SpoolDirectory, report);
        timings?.Mark("plan");
        doing.What = "checking the rootfs";
        MountPoints.AddTo(tree, spec);
        PluginRootfs.AddMountPoints(settings, tree);
        CheckAgainstRootfs(settings, spec, tree, report);
        var sorted = tree.Sorted();
        var configJson = SpecJson.Serialize(spec);
        timings?.Mark("checks");
        cancellation.ThrowIfCancellationRequested();
        doing.What = $"writing the bundle into '{staging.Directory}'";

        var staged = new List<BundleOutputFile>();
        var sumLines = new List<string>();
        ReusableLayer? reusable = null;
        // Filled while the rootfs tarball is written, so the bill of materials reads no file twice.
        var digests = options.Sbom == SbomFormat.Spdx ? new ContentDigests() : null;
        // Compressed members of earlier builds, in obj/ beside the stamp (see docs/performance.md).
        using var members = options.Format == RootfsFormat.TarGz || options.ArchivePath is not null
            ? MemberCache.Open(options.StampFile, UntrustedSources(staging.SpoolDirectory, plan), OutputOwnership.StillAsWritten(options.StampFile))
            : null;
        if (options.BundleFormat.HasFlag(BundleFormat.Runc))
        {
            // With no base image the image's one layer is the whole rootfs: rootfs.tar.gz's very bytes, compressed once.
            string? tarDigest = null;
            var reuse = image is not null && baseImage is null && options.Format is RootfsFormat.TarGz or RootfsFormat.TarZst;
            var (first, every) = PackingProgress.Thresholds(Environment.GetEnvironmentVariable(PackingProgress.IntervalVariable));
            var (rootfs, rootfsLines) = BundleFiles.WriteRootfs(staging.Directory, options, sorted, PackingProgress.For(
                sorted, line => report(Diagnostic.Info(Messages.PackingProgress, null, line)), first, every), reuse ? d => tarDigest = d : null, digests, members);
            if (reuse && tarDigest is not null)
            {
                reusable = new ReusableLayer(rootfs.Path, rootfs.Sha256, rootfs.Size, tarDigest, options.Format == RootfsFormat.TarZst ? MediaTypes.LayerTarZstd : MediaTypes.LayerTarGzip);
            }

            timings?.Mark("rootfs");

            cancellation.ThrowIfCancellationRequested();
            var config = BundleFiles.WriteConfig(staging.Directory, configJson);
            sumLines.Add(BundleFiles.SumLine(config.Sha256, BundleFiles.ConfigFileName));
            sumLines.AddRange(rootfsLines);
            staged.AddRange([config, rootfs]);
            timings?.Mark("config");
        }

        if (options.BundleFormat.HasFlag(BundleFormat.DockerPlugin))
        {
            cancellation.ThrowIfCancellationRequested();
            var (directory, archive, pluginLines) = PluginFiles.Write(staging.Directory, options, PluginConfigWriter.Write(settings, spec), sorted);
            sumLines.AddRange(pluginLines);
            staged.AddRange([directory, archive]);
            timings?.Mark("plugin");
        }

        // The bill of materials names the image manifest's digest, and the image's SBOM artifact
        // names the bill of materials: image manifest first, then the SBOM, then the artifact.
        var sbomBase = baseImage is not null && settings.BaseImage.Reference is { } baseReference ? SbomBase(baseImage, baseReference) : null;
        BundleOutputFile? sbom = null;
        byte[]? WriteSbom(SbomImage? written)
        {
            cancellation.ThrowIfCancellationRequested();
            doing.What = $"writing {SpdxDocument.FileName}";
            (sbom, var bytes) = SbomFiles.Write(staging.Directory, settings, options, plan, sorted, digests!, written, sbomBase, report);
            return bytes;
        }

        if (image is not null)
        {
            cancellation.ThrowIfCancellationRequested();
            doing.What = $"writing the image into '{staging.Directory}'";
            var config = ImageConfigBuilder.Build(settings, image, spec, options.SourceDateEpoch, baseImage);
            var written = ImageWriter.Write(
                staging.Directory, options, image, config, sorted, baseImage, reusable,
                digests is null ? null : manifest => WriteSbom(new SbomImage(
                    image.Name, manifest.Digest, config.Architecture, ImageNames.FullName(image.Name) == image.Name ? image.Name : null, image.Tags.FirstOrDefault())),
                cancellation);
            sumLines.AddRange(written.SumLines);
            staged.AddRange([written.Layout, written.Archive]);
            timings?.Mark("image");
            report(Diagnostic.Info(Messages.ImageWritten, null, string.Join(", ", image.Tags.Select(t => $"{image.Name}:{t}")), written.LayerCount, written.Manifest.Digest));
        }
        else if (digests is not null)
        {
            WriteSbom(null);
        }

        if (sbom is not null)
        {
            sumLines.Add(BundleFiles.SumLine(sbom.Sha256, SpdxDocument.FileName));
            staged.Add(sbom);
            timings?.Mark("sbom");
        }

        staged.Add(BundleFiles.WriteChecksums(staging.Directory, sumLines));
        timings?.Mark("checksums");
        if (options.ArchivePath is not null && options.BundleFormat.HasFlag(BundleFormat.Runc))
        {
            cancellation.ThrowIfCancellationRequested();
            doing.What = $"writing OciBundleArchivePath '{options.ArchivePath}'";
            staged.Add(BundleFiles.WriteArchive(staging.ArchiveStagingPath(options.ArchivePath), options, configJson, sorted, members));
            timings?.Mark("archive");
        }

        cancellation.ThrowIfCancellationRequested();
        if (reportedAsError())
        {
            throw new AlreadyReported(); // a warning of the rootfs checks became an error
        }

        doing.What = $"moving the bundle into '{options.OutputDirectory}'";
        var committed = staging.Commit(staged, options.ArchivePath);
        timings?.Mark("commit");
        if (members is not null)
        {
            // The members' index names the committed files: the next build copies unchanged members from them.
            members.OutputsCommitted(staged.Join(committed, s => s.Kind, c => c.Kind, (s, c) => (s.Path, c.Path, c.Sha256, c.Size)));
            members.Trim();
            report(Diagnostic.Detail(Messages.MembersReused, null, members.Reused, members.Reused + members.Compressed, members.Folder, members.Dropped, LibdeflateMembers.CompressorName(options.CompressionLevel)));
            timings?.Mark("cache");
        }

        return committed;
    }

    /// <summary>
    /// Source files whose stat says nothing about their content, so the member cache keys them by
    /// content: members spooled from archives and base images (written anew by every build), and
    /// the publish output (which the .NET SDK rewrites with the same bytes).
    /// </summary>
    private static Func<string, bool> UntrustedSources(string spool, RootfsPlan plan)
    {
        var publish = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in plan.PublishFiles)
        {
            var full = Path.GetFullPath(file.HostPath);
            publish.Add(full);
            publish.Add(HostFiles.Resolve(full));
        }

        var spoolPrefix = Path.TrimEndingDirectorySeparator(Path.GetFullPath(spool)) + Path.DirectorySeparatorChar;
        return path => path.StartsWith(spoolPrefix, StringComparison.Ordinal) || publish.Contains(path);
    }

    /// <summary>
    /// What only the finished rootfs can tell: the shared libraries its programs need (added
    /// first, so the checks see them), user and group names, the entrypoint. Every problem is
    /// reported before giving up.
    /// </summary>
    private static void CheckAgainstRootfs(BundleSettings settings, RuntimeSpec spec, RootfsTree tree, Action<Diagnostic> report)
    {
        var diagnostics = new DiagnosticBag();
        if (settings.Rootfs.SharedLibraries is { } libraries)
        {
            var architectureLocation = libraries.ArchitectureLocation;
            var added = SharedLibraryCollector.AddTo(tree, libraries, settings.Architecture.Value, diagnostics, architectureLocation);
            if (added.Count > 0)
            {
                diagnostics.Add(Diagnostic.Info(Messages.SharedLibrariesAdded, null, added.Count, libraries.SysrootHostPath, string.Join(", ", added)));
            }
        }

        AccountResolver.Resolve(diagnostics, settings, spec, tree);
        RootfsRules.Check(diagnostics, settings, spec, tree);
        PluginRootfs.Check(diagnostics, settings, tree);
        foreach (var d in diagnostics.Items)
        {
            report(d);
        }

        if (diagnostics.HasErrors)
        {
            throw new AlreadyReported();
        }
    }

    /// <summary>The base image as the bill of materials lists it: its purl name and tag from the reference, its manifest digest.</summary>
    private static SbomBaseImage SbomBase(BaseImage loaded, ImageReference reference)
    {
        var (repository, tag) = reference.RepositoryAndTag();
        return new SbomBaseImage(reference.Text, repository, tag, loaded.Manifest.Digest, loaded.Config.Architecture.Length > 0 ? loaded.Config.Architecture : null, loaded.Entries);
    }

    /// <summary>Unwinds the staging folder after the diagnostics were reported.</summary>
    private sealed class AlreadyReported : Exception;

    /// <summary>What the build is doing, for the internal-error message: "reading OciBaseRootfs '…'".</summary>
    private sealed class Doing
    {
        public string? What { get; set; }
    }
}
