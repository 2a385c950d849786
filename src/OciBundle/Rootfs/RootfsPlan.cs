using OciBundle.Diagnostics;
using OciBundle.Platform;
using OciBundle.Request;

namespace OciBundle.Rootfs;

/// <summary>
/// What goes into the rootfs, read and checked from the request before any file is touched:
/// the base rootfs, then a .NET app's publish output, then OciRootfsDirectory, OciRootfsFile and
/// OciRootfsSymlink items, in that order (later ones replace earlier ones at the same path), and
/// whether the shared libraries of its ELF files are to be added afterwards. The settings stage
/// reads it once (<see cref="Settings.RootfsPlanReader"/>, into <see cref="Settings.BundleSettings.Rootfs"/>); a base image is the settings' own
/// (<see cref="Settings.BundleSettings.BaseImage"/>), loaded into the tree before the plan applies.
/// </summary>
public sealed class RootfsPlan
{
    public string? BaseRootfs { get; init; }

    /// <summary>Where OciBaseRootfs was written, for messages about what came from it.</summary>
    public SourceLocation? BaseRootfsLocation { get; init; }

    /// <summary>The host path the base rootfs is read from (a folder or an archive), resolved.</summary>
    public string? BaseRootfsHostPath { get; init; }

    /// <summary>OciBaseRootfsMaxSize: how many bytes of uncompressed tar a base archive may hold.</summary>
    public long BaseRootfsMaxSize { get; init; } = ArchiveReader.DefaultMaxSize;

    /// <summary>The publish output, placed under OciAppDirectory (empty when it is not included).</summary>
    public IReadOnlyList<PlannedFile> PublishFiles { get; init; } = [];

    /// <summary>OciIncludeSharedLibraries: null when off.</summary>
    public SharedLibraryPlan? SharedLibraries { get; init; }

    public IReadOnlyList<RootfsEntry> Directories { get; init; } = [];

    public IReadOnlyList<PlannedFile> Files { get; init; } = [];

    public IReadOnlyList<RootfsEntry> Symlinks { get; init; } = [];

    /// <summary>A host file or folder to place at <see cref="TargetPath"/>; null Mode/Uid/Gid keep what the host says (and 0 for owners).</summary>
    public sealed record PlannedFile(string HostPath, string TargetPath, int? Mode, int Uid, int Gid, string Origin);

    /// <summary>Builds the tree: the base rootfs (spooled into <paramref name="spoolDirectory"/> when it is an archive), the publish output, then the items.</summary>
    public RootfsTree Apply(string spoolDirectory, Action<Diagnostic>? warn) => Apply(new RootfsTree(), spoolDirectory, warn);

    /// <summary>As <see cref="Apply(string, Action{Diagnostic}?)"/> over <paramref name="tree"/>, which may already hold a base image's layers (never with a base rootfs: OCIB1101).</summary>
    public RootfsTree Apply(RootfsTree tree, string spoolDirectory, Action<Diagnostic>? warn)
    {
        if (BaseRootfs is not null)
        {
            BaseRootfsLoader.Load(tree, BaseRootfsHostPath!, spoolDirectory, warn, BaseRootfsMaxSize);
        }

        foreach (var file in PublishFiles)
        {
            tree.Add(HostFiles.Describe(file));
        }

        foreach (var directory in Directories)
        {
            tree.Add(directory);
        }

        foreach (var file in Files)
        {
            if (Directory.Exists(file.HostPath))
            {
                AddFolder(tree, file, warn);
                continue;
            }

            tree.Add(HostFiles.Describe(file));
        }

        foreach (var link in Symlinks)
        {
            tree.Add(link);
        }

        return tree;
    }

    /// <summary>A host folder placed whole; the item's Uid and Gid own every entry of it.</summary>
    private static void AddFolder(RootfsTree tree, PlannedFile folder, Action<Diagnostic>? warn)
    {
        var scratch = new RootfsTree();
        HostDirectoryReader.AddDirectory(scratch, folder.HostPath, folder.TargetPath, folder.Origin, warn);
        foreach (var entry in scratch.Sorted().Where(e => RootfsPath.IsAtOrBelow(e.Path, folder.TargetPath)))
        {
            tree.Add(entry with { Uid = folder.Uid, Gid = folder.Gid });
        }
    }
}
