using OciBundle.Diagnostics;
using OciBundle.Platform;
using OciBundle.Request;
using OciBundle.Rootfs;

namespace OciBundle.Settings;

/// <summary>
/// The rootfs group read from the request (OciBaseRootfs, OciBaseRootfsMaxSize, the rootfs items, the
/// shared libraries) into a <see cref="RootfsPlan"/>, once, by the settings stage, which owns these
/// values' reports (OCIB1xxx); the plan itself, in Rootfs/, only applies them to a tree.
/// </summary>
public static class RootfsPlanReader
{
    /// <summary>The plan; the publish output is read before it (<see cref="PublishOutput.Read"/>).</summary>
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
            SharedLibraries = ReadSharedLibraries(reader),
            Directories = ReadDirectories(reader),
            Files = ReadFiles(reader),
            Symlinks = ReadSymlinks(reader),
        };
    }

    /// <summary>Null when the libraries are not collected (OciIncludeSharedLibraries is off).</summary>
    public static SharedLibraryPlan? ReadSharedLibraries(RequestReader reader)
    {
        var libraries = new List<SharedLibraryPlan.Library>();
        foreach (var item in reader.Items(SurfaceNames.SharedLibrary))
        {
            var name = item.ItemSpec;
            if (name.Contains('\0') || (!name.StartsWith('/') && name.Contains('/')) || name.EndsWith('/'))
            {
                reader.Diagnostics.Error(Messages.InvalidSharedLibrary, item.Location, name.Replace('\0', '?'));
                continue;
            }

            libraries.Add(new SharedLibraryPlan.Library(name, item.Location));
        }

        if (!SurfaceReads.IncludeSharedLibraries(reader))
        {
            if (libraries.Count > 0)
            {
                reader.Diagnostics.Warning(Messages.SharedLibraryItemsIgnored, libraries[0].Location);
            }

            return null;
        }

        var sysroot = SurfaceReads.Sysroot(reader) ?? "/";
        var host = Path.GetFullPath(sysroot, reader.Request.ProjectDirectory);
        if (!Directory.Exists(host))
        {
            reader.Diagnostics.Error(Messages.SysrootNotFound, reader.Locate(SurfaceNames.Sysroot), sysroot);
            return null;
        }

        return new SharedLibraryPlan(host, libraries)
        {
            ArchitectureLocation = reader.Locate(SurfaceNames.TargetArchitecture) ?? reader.Locate(TargetArchitecture.RuntimeIdentifierProperty) ?? reader.Locate(SurfaceNames.Sysroot),
        };
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

    private static List<RootfsPlan.PlannedFile> ReadFiles(RequestReader reader)
    {
        var result = new List<RootfsPlan.PlannedFile>();
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
                result.Add(new RootfsPlan.PlannedFile(hostPath, normalized, mode, uid, gid, $"{SurfaceNames.RootfsFile} {item.ItemSpec}"));
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
