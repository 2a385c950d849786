using OciBundle.Diagnostics;

namespace OciBundle.Output;

/// <summary>
/// Where a bundle is written before it is moved into place, so a failed or cancelled build never
/// leaves a half-written bundle or archive and never replaces the previous one. Every output is
/// written in a staging folder on its destination's own file system (the output folder's, and the
/// archive's folder's, which may be another), put on disk there, and only then renamed into place.
/// Only names an earlier build provably wrote are ever replaced or removed (<see cref="OutputOwnership"/>).
/// </summary>
public sealed class BundleStaging : IDisposable
{
    /// <summary>Every name a bundle may own in its output folder, besides its marker.</summary>
    public static readonly IReadOnlyList<string> OwnedNames =
        ["config.json", "rootfs.tar.gz", "rootfs.tar", "rootfs.tar.zst", "rootfs", "SHA256SUMS", PluginFiles.DirectoryName, PluginFiles.ArchiveName, BundleFiles.ImageLayoutName, BundleFiles.ImageArchiveName, BundleFiles.SbomFileName];

    private readonly bool _createdOutputDirectory;
    private readonly StagingFolder _staging;
    private StagingFolder? _archiveStaging;
    private bool _createdArchiveDirectory;
    private bool _committed;

    private BundleStaging(string outputDirectory, bool createdOutputDirectory)
    {
        OutputDirectory = outputDirectory;
        _createdOutputDirectory = createdOutputDirectory;
        _staging = StagingFolder.CreateIn(outputDirectory);
        SpoolDirectory = Path.Combine(_staging.Path, ".spool");
        System.IO.Directory.CreateDirectory(SpoolDirectory);
    }

    public string OutputDirectory { get; }

    /// <summary>Where the new outputs are written.</summary>
    public string Directory => _staging.Path;

    /// <summary>Scratch space for base-archive contents; never moved into place.</summary>
    public string SpoolDirectory { get; }

    /// <summary>Throws OCIB5006 unless every bundle name in <paramref name="outputDirectory"/> is provably ours (<see cref="OutputOwnership.RefuseForeign"/>).</summary>
    public static void CheckOwnership(string outputDirectory, string? stampFile) => OutputOwnership.RefuseForeign(outputDirectory, OwnedNames, stampFile);

    /// <param name="stampFile">The project's up-to-date stamp: proof of ownership for bundles written before the marker.</param>
    /// <param name="ownership">
    /// <see cref="CheckOwnership"/> already started for this folder (beside the fingerprint, when
    /// it has to hash); awaited here, before anything is created, so its error comes first as before.
    /// </param>
    public static BundleStaging Create(string outputDirectory, string? stampFile = null, Task? ownership = null)
    {
        if (ownership is not null)
        {
            ownership.GetAwaiter().GetResult();
        }
        else
        {
            CheckOwnership(outputDirectory, stampFile);
        }

        var created = !System.IO.Directory.Exists(outputDirectory);
        System.IO.Directory.CreateDirectory(outputDirectory);
        try
        {
            return new BundleStaging(outputDirectory, created);
        }
        catch when (created)
        {
            System.IO.Directory.Delete(outputDirectory, recursive: false);
            throw;
        }
    }

    /// <summary>
    /// Where to write the archive: a staging folder beside <paramref name="archivePath"/>, on its
    /// file system, so that moving it into place is a rename and a full disk is met before.
    /// </summary>
    public string ArchiveStagingPath(string archivePath)
    {
        var folder = Path.GetDirectoryName(archivePath)!;
        if (_archiveStaging is null)
        {
            _createdArchiveDirectory = !System.IO.Directory.Exists(folder);
            System.IO.Directory.CreateDirectory(folder);
            _archiveStaging = StagingFolder.CreateIn(folder);
        }

        return Path.Combine(_archiveStaging.Path, Path.GetFileName(archivePath));
    }

    /// <summary>
    /// Puts the staged outputs on disk, then renames them into place: the rootfs, the plugin
    /// folder and the image first, then config.json, SHA256SUMS, the archive, and the marker last, so the sums
    /// never describe files that are not there yet. What each replaces is first renamed aside into
    /// staging; if any rename fails, every step is undone, so the folder is as it was before.
    /// </summary>
    public IReadOnlyList<BundleOutputFile> Commit(IReadOnlyList<BundleOutputFile> staged, string? archivePath)
    {
        var inFolder = staged.Where(o => o.Kind != OutputKinds.BundleArchive).ToList();
        var marker = Path.Combine(Directory, OutputOwnership.MarkerName);
        File.WriteAllBytes(marker, OutputOwnership.Marker(inFolder));
        Durable.SyncFileSystemOf(Directory);
        if (_archiveStaging is not null)
        {
            Durable.SyncFileSystemOf(_archiveStaging.Path);
        }

        var moves = new List<Move>();
        var committed = new List<BundleOutputFile>();
        try
        {
            foreach (var output in staged.OrderBy(o => MoveOrder(o.Kind)))
            {
                var destination = output.Kind == OutputKinds.BundleArchive ? archivePath! : Path.Combine(OutputDirectory, Path.GetFileName(output.Path));
                moves.Add(Replace(output.Path, destination));
                committed.Add(output with { Path = destination });
            }

            var kept = committed.Select(o => Path.GetFileName(o.Path)).ToHashSet(StringComparer.Ordinal);
            foreach (var stale in OwnedNames.Where(n => !kept.Contains(n)))
            {
                // Proven ours before anything was written (OutputOwnership); set aside, gone with staging.
                if (MoveAside(Path.Combine(OutputDirectory, stale)) is { } move)
                {
                    moves.Add(move);
                }
            }

            moves.Add(Replace(marker, Path.Combine(OutputDirectory, OutputOwnership.MarkerName)));
            Durable.SyncFolder(OutputDirectory);
            if (archivePath is not null && _archiveStaging is not null)
            {
                Durable.SyncFolder(Path.GetDirectoryName(archivePath)!);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            var left = Undo(moves);
            throw new OciBundleException(Diagnostic.Error(
                Messages.CommitFailed,
                null,
                OutputDirectory,
                e.Message.TrimEnd('.'),
                left.Count == 0
                    ? "Every step was undone: the previous bundle and archive are as they were"
                    : $"Some steps could not be undone ({string.Join("; ", left)}); delete the output folder and the archive, then build again"));
        }

        _committed = true;
        return committed;
    }

    /// <summary>Removes the staging folders (and with them what the new outputs replaced); after a failure also the folders this build created.</summary>
    public void Dispose()
    {
        // Best effort: the outcome was decided and reported; a leftover is removed by the next build.
        Try(_staging.Dispose);
        if (_archiveStaging is { } archiveStaging)
        {
            Try(archiveStaging.Dispose);
            var archiveFolder = Path.GetDirectoryName(archiveStaging.Path)!;
            if (!_committed && _createdArchiveDirectory)
            {
                Try(() => System.IO.Directory.Delete(archiveFolder, recursive: false));
            }
        }

        if (!_committed && _createdOutputDirectory)
        {
            Try(() => System.IO.Directory.Delete(OutputDirectory, recursive: false));
        }
    }

    /// <summary>Deletes a file, a link (never what it points at) or a whole folder, read-only ones included.</summary>
    internal static void Delete(string path)
    {
        if (File.Exists(path) || (System.IO.Directory.Exists(path) && new DirectoryInfo(path).LinkTarget is not null))
        {
            File.Delete(path);
        }
        else if (System.IO.Directory.Exists(path))
        {
            MakeWritable(path);
            System.IO.Directory.Delete(path, recursive: true);
        }
    }

    private static void Try(Action action)
    {
        try
        {
            action();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    private static int MoveOrder(string kind) => kind switch
    {
        OutputKinds.Rootfs or OutputKinds.PluginDirectory or OutputKinds.PluginArchive or OutputKinds.ImageLayout or OutputKinds.ImageArchive => 0,
        OutputKinds.Config or OutputKinds.Sbom => 1,
        OutputKinds.Checksums => 2,
        _ => 3,
    };

    /// <summary>One rename done: <see cref="Staged"/> moved to <see cref="Destination"/>, whose old content went to <see cref="Aside"/>.</summary>
    private sealed record Move(string Destination, string? Staged, string? Aside);

    private Move Replace(string staged, string destination)
    {
        if (System.IO.Directory.Exists(destination) && !System.IO.Directory.Exists(staged) && new DirectoryInfo(destination).LinkTarget is null)
        {
            // A file output where a folder is: the archive path (BundleOptions refuses it up front,
            // but it may have appeared since). The folder is the user's: stop rather than touch it.
            throw new IOException($"'{destination}' is a folder");
        }

        var aside = MoveAside(destination);
        try
        {
            Rename(staged, destination);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (aside is not null)
            {
                Rename(aside.Aside!, destination);
            }

            throw;
        }

        return new Move(destination, staged, aside?.Aside);
    }

    /// <summary>Renames what is at <paramref name="destination"/> into the staging folder on its file system; null when nothing is there.</summary>
    private Move? MoveAside(string destination)
    {
        if (!Path.Exists(destination) && new FileInfo(destination).LinkTarget is null)
        {
            return null;
        }

        var stagingFolder = Path.GetDirectoryName(destination) == OutputDirectory ? _staging.Path : _archiveStaging?.Path ?? _staging.Path;
        var aside = Path.Combine(stagingFolder, ".old-" + Path.GetFileName(destination));
        Rename(destination, aside);
        return new Move(destination, null, aside);
    }

    /// <summary>Undoes the renames, last first. Returns what could not be undone.</summary>
    private static List<string> Undo(List<Move> moves)
    {
        var left = new List<string>();
        foreach (var move in Enumerable.Reverse(moves))
        {
            try
            {
                if (move.Staged is not null && (Path.Exists(move.Destination) || new FileInfo(move.Destination).LinkTarget is not null))
                {
                    Rename(move.Destination, move.Staged);
                }

                if (move.Aside is not null)
                {
                    Rename(move.Aside, move.Destination);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                left.Add($"'{move.Destination}': {e.Message.TrimEnd('.')}");
            }
        }

        return left;
    }

    /// <summary>A rename within one file system; never a copy (which could fill the disk half way).</summary>
    private static void Rename(string source, string destination)
    {
        if (System.IO.Directory.Exists(source) && new DirectoryInfo(source).LinkTarget is null)
        {
            System.IO.Directory.Move(source, destination);
        }
        else
        {
            File.Move(source, destination, overwrite: false);
        }
    }

    /// <summary>A rootfs may hold read-only folders (0555); the owner can still delete them once they are writable again.</summary>
    private static void MakeWritable(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        foreach (var dir in System.IO.Directory.EnumerateDirectories(path, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint }).Prepend(path))
        {
            var info = new DirectoryInfo(dir);
            if ((info.UnixFileMode & UnixFileMode.UserWrite) == 0)
            {
                info.UnixFileMode |= UnixFileMode.UserWrite | UnixFileMode.UserExecute;
            }
        }
    }
}
