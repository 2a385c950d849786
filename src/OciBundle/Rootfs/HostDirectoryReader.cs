using OciBundle.Diagnostics;
using OciBundle.Platform.Interop;

namespace OciBundle.Rootfs;

/// <summary>Adds a folder of the build machine to the rootfs, as it is on disk, owned by root.</summary>
public static class HostDirectoryReader
{
    // Linux ignores a symbolic link's own permissions; 0777 is what ls and tar show for every link.
    private const int SymbolicLinkMode = 0b111_111_111;
    private const int WindowsFolderMode = 0b111_101_101; // 0755
    private const int WindowsFileMode = 0b110_100_100; // 0644

    private static readonly EnumerationOptions ListOneLevel = new()
    {
        RecurseSubdirectories = false,
        IgnoreInaccessible = false,
        AttributesToSkip = 0, // hidden (dot) files belong in the rootfs too
        ReturnSpecialDirectories = false,
    };

    /// <summary>
    /// Walks <paramref name="hostDirectory"/> without following symbolic links and adds what it
    /// holds below <paramref name="targetPath"/> (normalised; "" is the rootfs root). The folder
    /// itself becomes the entry at <paramref name="targetPath"/> unless that is the root.
    /// Uid and gid are always 0: the build machine's owners mean nothing inside the container.
    /// Sockets, fifos and devices are left out with a warning (OCIB3010).
    /// </summary>
    public static void AddDirectory(RootfsTree tree, string hostDirectory, string targetPath, string origin, Action<Diagnostic>? warn = null)
    {
        var root = Path.GetFullPath(hostDirectory);
        if (!Directory.Exists(root))
        {
            throw Unreadable(origin, root, "it is not a folder");
        }

        if (targetPath.Length > 0)
        {
            tree.Add(new RootfsEntry { Path = targetPath, Type = RootfsEntryType.Directory, Mode = ModeOf(root, StatxInfo.TryGet(root), isFolder: true), Origin = origin });
        }

        AddChildren(tree, root, targetPath, origin, warn);
    }

    private static void AddChildren(RootfsTree tree, string hostFolder, string targetFolder, string origin, Action<Diagnostic>? warn)
    {
        List<FileSystemInfo> children;
        try
        {
            children = new DirectoryInfo(hostFolder).EnumerateFileSystemInfos("*", ListOneLevel).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Unreadable(origin, hostFolder, e.Message, e);
        }

        // Sorted so that warnings, and the tree's replace order, do not depend on the file system.
        children.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        foreach (var child in children)
        {
            var target = targetFolder.Length == 0 ? child.Name : targetFolder + "/" + child.Name;
            try
            {
                AddOne(tree, child, target, origin, warn);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw Unreadable(origin, child.FullName, e.Message, e);
            }
        }
    }

    private static void AddOne(RootfsTree tree, FileSystemInfo child, string target, string origin, Action<Diagnostic>? warn)
    {
        // LinkTarget is checked first: a link to a folder is a DirectoryInfo too, and must not be walked.
        if (child.LinkTarget is { } linkTarget)
        {
            tree.Add(new RootfsEntry
            {
                Path = target,
                Type = RootfsEntryType.SymbolicLink,
                Mode = SymbolicLinkMode,
                LinkTarget = linkTarget,
                Origin = origin,
            });
            return;
        }

        var stat = StatxInfo.TryGet(child.FullName);
        if (child is DirectoryInfo)
        {
            tree.Add(new RootfsEntry { Path = target, Type = RootfsEntryType.Directory, Mode = ModeOf(child.FullName, stat, isFolder: true), Origin = origin });
            AddChildren(tree, child.FullName, target, origin, warn);
            return;
        }

        // Without statx (not Linux) special files cannot be told apart and are read as files.
        if (stat is { IsRegularFile: false } special)
        {
            warn?.Invoke(Diagnostic.Warning(Messages.HostEntrySkipped, null, origin, child.FullName, special.FileTypeName));
            return;
        }

        tree.Add(new RootfsEntry
        {
            Path = target,
            Type = RootfsEntryType.RegularFile,
            Mode = ModeOf(child.FullName, stat, isFolder: false),
            SourcePath = child.FullName,
            Size = ((FileInfo)child).Length,
            HardLinkKey = stat is { LinkCount: > 1 } s ? $"{s.DeviceMajor},{s.DeviceMinor}:{s.Inode}" : null,
            Origin = origin,
        });
    }

    private static int ModeOf(string path, StatxInfo? stat, bool isFolder) =>
        stat?.Permissions
        ?? (OperatingSystem.IsWindows()
            ? (isFolder ? WindowsFolderMode : WindowsFileMode) // Windows has no modes to read
            : (int)File.GetUnixFileMode(path));

    private static OciBundleException Unreadable(string origin, string path, string reason, Exception? inner = null) =>
        new(Diagnostic.Error(Messages.UnreadableInput, null, origin, path, reason), inner);
}
