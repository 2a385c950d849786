using OciBundle.Diagnostics;

namespace OciBundle.Output;

/// <summary>
/// A private folder inside the output folder where a bundle is written before it is moved into
/// place, so a failed or cancelled build never leaves a half-written bundle. Only the bundle's
/// own names are ever replaced or removed in the output folder; other files there are left alone.
/// </summary>
public sealed class BundleStaging : IDisposable
{
    /// <summary>Every name a bundle may own in its output folder.</summary>
    public static readonly IReadOnlyList<string> OwnedNames =
        ["config.json", "rootfs.tar.gz", "rootfs.tar", "rootfs", "SHA256SUMS", PluginFiles.DirectoryName, PluginFiles.ArchiveName];

    private const string Prefix = ".oci-staging-";
    private readonly bool _createdOutputDirectory;
    private bool _committed;

    private BundleStaging(string outputDirectory, bool createdOutputDirectory)
    {
        OutputDirectory = outputDirectory;
        _createdOutputDirectory = createdOutputDirectory;
        Directory = Path.Combine(outputDirectory, Prefix + Guid.NewGuid().ToString("N")[..12]);
        System.IO.Directory.CreateDirectory(Directory);
        SpoolDirectory = Path.Combine(Directory, ".spool");
        System.IO.Directory.CreateDirectory(SpoolDirectory);
    }

    public string OutputDirectory { get; }

    /// <summary>Where the new outputs are written.</summary>
    public string Directory { get; }

    /// <summary>Scratch space for base-archive contents; never moved into place.</summary>
    public string SpoolDirectory { get; }

    public static BundleStaging Create(string outputDirectory)
    {
        RefuseForeignOutputs(outputDirectory);
        var created = !System.IO.Directory.Exists(outputDirectory);
        System.IO.Directory.CreateDirectory(outputDirectory);
        RemoveLeftovers(outputDirectory);
        return new BundleStaging(outputDirectory, created);
    }

    /// <summary>
    /// Moves the staged outputs in: the rootfs and the plugin folder first, then config.json, then SHA256SUMS, so the
    /// sums never describe files that are not there yet. Stale outputs of another format go last.
    /// </summary>
    public IReadOnlyList<BundleOutputFile> Commit(IReadOnlyList<BundleOutputFile> staged, string? archivePath)
    {
        var committed = new List<BundleOutputFile>();
        foreach (var output in staged.OrderBy(o => MoveOrder(o.Kind)))
        {
            var destination = output.Kind == OutputKinds.BundleArchive ? archivePath! : Path.Combine(OutputDirectory, Path.GetFileName(output.Path));
            Move(output.Path, destination);
            committed.Add(output with { Path = destination });
        }

        var kept = committed.Select(o => Path.GetFileName(o.Path)).ToHashSet(StringComparer.Ordinal);
        foreach (var stale in OwnedNames.Where(n => !kept.Contains(n)))
        {
            Delete(Path.Combine(OutputDirectory, stale));
        }

        _committed = true;
        return committed;
    }

    /// <summary>Removes the staging folder; after a failure also the output folder when this build created it.</summary>
    public void Dispose()
    {
        Delete(Directory);
        if (!_committed && _createdOutputDirectory && !System.IO.Directory.EnumerateFileSystemEntries(OutputDirectory).Any())
        {
            System.IO.Directory.Delete(OutputDirectory);
        }
    }

    /// <summary>
    /// The bundle replaces its own names in the output folder; so that a mistaken
    /// OciBundleOutputPath (the project folder, say) never costs the user a file, any of those
    /// names already there must belong to an earlier bundle: listed in its SHA256SUMS.
    /// </summary>
    private static void RefuseForeignOutputs(string outputDirectory)
    {
        if (!System.IO.Directory.Exists(outputDirectory))
        {
            return;
        }

        var sums = Path.Combine(outputDirectory, "SHA256SUMS");
        var listed = File.Exists(sums)
            ? File.ReadLines(sums).Select(l => l.Split("  ", 2) is [_, var name] ? name.Split('/')[0] : "").ToHashSet(StringComparer.Ordinal)
            : [];
        foreach (var name in OwnedNames.Where(n => n != "SHA256SUMS"))
        {
            var path = Path.Combine(outputDirectory, name);
            if ((File.Exists(path) || System.IO.Directory.Exists(path)) && !listed.Contains(name))
            {
                throw new OciBundleException(Diagnostic.Error(Messages.OutputFolderNotOurs, null, outputDirectory, name));
            }
        }
    }

    private static int MoveOrder(string kind) => kind switch
    {
        OutputKinds.Rootfs or OutputKinds.PluginDirectory or OutputKinds.PluginArchive => 0,
        OutputKinds.Config => 1,
        OutputKinds.Checksums => 2,
        _ => 3,
    };

    private void Move(string source, string destination)
    {
        if (System.IO.Directory.Exists(source))
        {
            // A folder cannot be replaced in one rename: move the old one aside into staging first.
            if (System.IO.Directory.Exists(destination) || File.Exists(destination))
            {
                var aside = Path.Combine(Directory, ".old-" + Path.GetFileName(destination));
                if (File.Exists(destination))
                {
                    File.Move(destination, aside);
                }
                else
                {
                    System.IO.Directory.Move(destination, aside);
                }
            }

            System.IO.Directory.Move(source, destination);
            return;
        }

        if (System.IO.Directory.Exists(destination))
        {
            // Outputs are files here; a folder in the way is the user's (BundleOptions refuses
            // such an archive path up front), so stop rather than delete it.
            throw new IOException($"'{destination}' is a folder");
        }

        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
        File.Move(source, destination, overwrite: true);
    }

    /// <summary>
    /// Staging folders of builds that were killed before they could clean up. Only old ones: a
    /// young one may belong to a build running beside this one.
    /// </summary>
    private static void RemoveLeftovers(string outputDirectory)
    {
        var cutoff = DateTime.UtcNow.AddHours(-1);
        foreach (var leftover in System.IO.Directory.EnumerateDirectories(outputDirectory, Prefix + "*")
            .Where(d => System.IO.Directory.GetLastWriteTimeUtc(d) < cutoff))
        {
            Delete(leftover);
        }
    }

    private static void Delete(string path)
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
