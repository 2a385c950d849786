using OciBundle.Diagnostics;
using OciBundle.Platform;
using OciBundle.Request;

namespace OciBundle.Rootfs;

/// <summary>
/// What goes into the rootfs, read and checked from the request before any file is touched:
/// the base rootfs, then a .NET app's publish output, then OciRootfsDirectory, OciRootfsFile and
/// OciRootfsSymlink items, in that order (later ones replace earlier ones at the same path), and
/// whether the shared libraries of its ELF files are to be added afterwards. The settings stage
/// reads it once (<see cref="Settings.BundleSettings.Rootfs"/>); a base image is the settings' own
/// (<see cref="Settings.BundleSettings.BaseImage"/>), loaded into the tree before the plan applies.
/// </summary>
public sealed class RootfsPlan
{
    public string? BaseRootfs { get; private init; }

    /// <summary>Where OciBaseRootfs was written, for messages about what came from it.</summary>
    public SourceLocation? BaseRootfsLocation { get; private init; }

    /// <summary>The host path the base rootfs is read from (a folder or an archive), resolved.</summary>
    public string? BaseRootfsHostPath { get; private init; }

    /// <summary>OciBaseRootfsMaxSize: how many bytes of uncompressed tar a base archive may hold.</summary>
    public long BaseRootfsMaxSize { get; private init; } = ArchiveReader.DefaultMaxSize;

    /// <summary>The publish output, placed under OciAppDirectory (empty when it is not included).</summary>
    public IReadOnlyList<PlannedFile> PublishFiles { get; private init; } = [];

    /// <summary>OciIncludeSharedLibraries: null when off.</summary>
    public SharedLibraryPlan? SharedLibraries { get; private init; }

    public IReadOnlyList<RootfsEntry> Directories { get; private init; } = [];

    public IReadOnlyList<PlannedFile> Files { get; private init; } = [];

    public IReadOnlyList<RootfsEntry> Symlinks { get; private init; } = [];

    /// <summary>A host file or folder to place at <see cref="TargetPath"/>; null Mode/Uid/Gid keep what the host says (and 0 for owners).</summary>
    public sealed record PlannedFile(string HostPath, string TargetPath, int? Mode, int Uid, int Gid, string Origin);

    /// <summary>For the settings stage, which owns these values' reports (OCIB1xxx).</summary>
    public static RootfsPlan Read(RequestReader reader, PublishOutput publish)
    {
        var (baseValue, baseHost) = ReadBase(reader);
        return new RootfsPlan
        {
            BaseRootfs = baseValue,
            BaseRootfsLocation = reader.Locate(SurfaceNames.BaseRootfs),
            BaseRootfsHostPath = baseHost,
            BaseRootfsMaxSize = ReadBaseMaxSize(reader),
            PublishFiles = publish.Files,
            SharedLibraries = SharedLibraryPlan.Read(reader),
            Directories = ReadDirectories(reader),
            Files = ReadFiles(reader),
            Symlinks = ReadSymlinks(reader),
        };
    }

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

    private static long ReadBaseMaxSize(RequestReader reader)
    {
        var text = SurfaceReads.BaseRootfsMaxSize(reader);
        if (text is null)
        {
            return ArchiveReader.DefaultMaxSize;
        }

        if (ByteSize.TryParse(text, out var bytes))
        {
            return bytes;
        }

        reader.Diagnostics.Error(Messages.InvalidBaseRootfsMaxSize, reader.Locate(SurfaceNames.BaseRootfsMaxSize), text);
        return ArchiveReader.DefaultMaxSize;
    }

    private static (string? Value, string? HostPath) ReadBase(RequestReader reader)
    {
        var value = SurfaceReads.BaseRootfs(reader);
        if (value is null)
        {
            return (null, null);
        }

        var location = reader.Locate(SurfaceNames.BaseRootfs);
        var isRaw = value.StartsWith("raw://", StringComparison.OrdinalIgnoreCase);

        // garden's form: raw:///abs/dir names a host folder, always absolute.
        var hostPath = isRaw ? value["raw://".Length..] : Path.GetFullPath(value, reader.Request.ProjectDirectory);
        if (isRaw && !Path.IsPathFullyQualified(hostPath))
        {
            reader.Diagnostics.Error(Messages.BaseRootfsUnsupported, location, value);
            return (null, null);
        }

        if (!File.Exists(hostPath) && !Directory.Exists(hostPath))
        {
            reader.Diagnostics.Error(Messages.BaseRootfsNotFound, location, value);
            return (null, null);
        }

        if (File.Exists(hostPath) && (isRaw || !ArchiveReader.IsSupportedArchiveName(hostPath)))
        {
            reader.Diagnostics.Error(Messages.BaseRootfsUnsupported, location, value);
            return (null, null);
        }

        if (!Directory.Exists(hostPath) && InputFiles.WhyNotRegularFile(hostPath) is { } notRegular)
        {
            reader.Diagnostics.Error(Messages.InputNotRegularFile, location, SurfaceNames.BaseRootfs, hostPath, notRegular);
            return (null, null);
        }

        return (value, hostPath);
    }

    private static List<RootfsEntry> ReadDirectories(RequestReader reader)
    {
        var result = new List<RootfsEntry>();
        foreach (var item in reader.Items(SurfaceNames.RootfsDirectory))
        {
            if (TryReadTargetPath(reader, item, SurfaceNames.RootfsDirectory, item.ItemSpec, out var path)
                & TryReadOwnership(reader, item, SurfaceNames.RootfsDirectory, out var mode, out var uid, out var gid))
            {
                result.Add(new RootfsEntry
                {
                    Path = path,
                    Type = RootfsEntryType.Directory,
                    Mode = mode ?? RootfsTree.ImplicitDirectoryMode,
                    Uid = uid,
                    Gid = gid,
                    Origin = $"{SurfaceNames.RootfsDirectory} {item.ItemSpec}",
                });
            }
        }

        return result;
    }

    private static List<PlannedFile> ReadFiles(RequestReader reader)
    {
        var result = new List<PlannedFile>();
        foreach (var item in reader.Items(SurfaceNames.RootfsFile))
        {
            if (item.ItemSpec.Contains('\0'))
            {
                reader.Diagnostics.Error(Messages.NulByte, item.Location, SurfaceNames.RootfsFile, item.ItemSpec.Replace('\0', '?'));
                continue;
            }

            var hostPath = item.Get("FullPath") ?? Path.GetFullPath(item.ItemSpec, reader.Request.ProjectDirectory);
            var targetPath = item.Get("TargetPath");
            if (targetPath is null)
            {
                reader.Diagnostics.Error(Messages.RootfsFileTargetPathMissing, item.Location, item.ItemSpec);
                continue;
            }

            if (!targetPath.StartsWith('/'))
            {
                reader.Diagnostics.Error(Messages.RootfsFileTargetPathNotAbsolute, item.Location, item.ItemSpec, targetPath);
                continue;
            }

            if (targetPath.EndsWith('/'))
            {
                // A folder: keep the item's path below its wildcard, as Content items do.
                var recursiveDir = (item.Get("RecursiveDir") ?? "").Replace('\\', '/');
                targetPath += recursiveDir + Path.GetFileName(hostPath.TrimEnd('/', '\\'));
            }

            if (InputFiles.DanglingLinkTarget(hostPath) is { } danglingTarget)
            {
                reader.Diagnostics.Error(Messages.RootfsFileDanglingLink, item.Location, item.ItemSpec, danglingTarget);
                continue;
            }

            if (!File.Exists(hostPath) && !Directory.Exists(hostPath))
            {
                reader.Diagnostics.Error(Messages.RootfsFileNotFound, item.Location, item.ItemSpec);
                continue;
            }

            if (!Directory.Exists(hostPath) && InputFiles.WhyNotRegularFile(hostPath) is { } notRegular)
            {
                reader.Diagnostics.Error(Messages.InputNotRegularFile, item.Location, $"{SurfaceNames.RootfsFile} '{item.ItemSpec}'", hostPath, notRegular);
                continue;
            }

            if (Directory.Exists(hostPath) && item.Get("Mode") is { } folderMode)
            {
                reader.Diagnostics.Error(Messages.ModeOnFolderItem, item.Location, item.ItemSpec, folderMode);
                continue;
            }

            if (TryReadTargetPath(reader, item, SurfaceNames.RootfsFile, targetPath, out var normalized)
                & TryReadOwnership(reader, item, SurfaceNames.RootfsFile, out var mode, out var uid, out var gid))
            {
                result.Add(new PlannedFile(hostPath, normalized, mode, uid, gid, $"{SurfaceNames.RootfsFile} {item.ItemSpec}"));
            }
        }

        return result;
    }

    private static List<RootfsEntry> ReadSymlinks(RequestReader reader)
    {
        var result = new List<RootfsEntry>();
        foreach (var item in reader.Items(SurfaceNames.RootfsSymlink))
        {
            var linkTarget = item.Get("LinkTarget");
            if (linkTarget is null)
            {
                reader.Diagnostics.Error(Messages.SymlinkTargetMissing, item.Location, item.ItemSpec);
                continue;
            }

            if (linkTarget.Contains('\0'))
            {
                reader.Diagnostics.Error(Messages.NulByte, item.Location, $"{SurfaceNames.RootfsSymlink} '{item.ItemSpec}' LinkTarget", linkTarget.Replace('\0', '?'));
                continue;
            }

            // A link's own mode means nothing on Linux, so only its owner is read.
            if (TryReadTargetPath(reader, item, SurfaceNames.RootfsSymlink, item.ItemSpec, out var path)
                & TryReadId(reader, item, SurfaceNames.RootfsSymlink, "Uid", out var uid)
                & TryReadId(reader, item, SurfaceNames.RootfsSymlink, "Gid", out var gid))
            {
                result.Add(new RootfsEntry
                {
                    Path = path,
                    Type = RootfsEntryType.SymbolicLink,
                    Mode = 0b111_111_111,
                    LinkTarget = linkTarget,
                    Uid = uid,
                    Gid = gid,
                    Origin = $"{SurfaceNames.RootfsSymlink} {item.ItemSpec}",
                });
            }
        }

        return result;
    }

    private static bool TryReadTargetPath(RequestReader reader, RequestItem item, string itemType, string path, out string normalized)
    {
        normalized = "";
        if (!path.StartsWith('/'))
        {
            reader.Diagnostics.Error(Messages.RootfsPathNotAbsolute, item.Location, itemType, path);
            return false;
        }

        if (!RootfsPath.TryNormalizeWritten(path, out var result, out var reason) || result.Length == 0)
        {
            reader.Diagnostics.Error(Messages.InvalidRootfsPath, item.Location, itemType, path, reason ?? "it is the root itself");
            return false;
        }

        normalized = result;
        return true;
    }

    private static bool TryReadOwnership(RequestReader reader, RequestItem item, string itemType, out int? mode, out int uid, out int gid)
    {
        var ok = true;
        mode = null;
        uid = gid = 0;
        if (item.Get("Mode") is { } modeText)
        {
            if (RequestReader.TryParseMode(modeText, out var parsed))
            {
                mode = parsed;
            }
            else
            {
                reader.Diagnostics.Error(Messages.InvalidFileMode, item.Location, itemType, item.ItemSpec, modeText);
                ok = false;
            }
        }

        ok &= TryReadId(reader, item, itemType, "Uid", out uid);
        ok &= TryReadId(reader, item, itemType, "Gid", out gid);
        return ok;
    }

    private static bool TryReadId(RequestReader reader, RequestItem item, string itemType, string name, out int id)
    {
        id = 0;
        var text = item.Get(name);
        if (text is null)
        {
            return true;
        }

        // Tar headers and TarEntry take int ids; larger ids are rare enough to refuse clearly.
        if (RequestReader.TryParseId(text, out var parsed) && parsed <= int.MaxValue)
        {
            id = (int)parsed;
            return true;
        }

        reader.Diagnostics.Error(Messages.InvalidOwnerId, item.Location, itemType, item.ItemSpec, name, text);
        return false;
    }
}
