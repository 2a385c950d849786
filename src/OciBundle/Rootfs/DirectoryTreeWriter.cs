using OciBundle.Diagnostics;
using OciBundle.Rootfs.Interop;

namespace OciBundle.Rootfs;

/// <summary>
/// Materialises the rootfs as a folder (the <c>directory</c> rootfs format): links stay links,
/// hard links stay hard links, modes, owners (when running as root) and one fixed mtime applied.
/// </summary>
public static class DirectoryTreeWriter
{
    /// <summary>
    /// Writes <paramref name="sorted"/> (as <see cref="RootfsTree.Sorted"/> returns it) into
    /// <paramref name="targetDirectory"/>, which is created if missing and should be empty.
    /// Throws OCIB3012 when something cannot be written, OCIB3004 when a source cannot be read.
    /// </summary>
    public static void Write(IReadOnlyList<RootfsEntry> sorted, string targetDirectory, long mtimeSeconds)
    {
        var root = Path.GetFullPath(targetDirectory);
        var mtime = DateTimeOffset.FromUnixTimeSeconds(mtimeSeconds).UtcDateTime;
        var owners = new OwnerSetter();
        var firstOfLinkGroup = new Dictionary<(string Key, int Mode, int Uid, int Gid), string>();
        Guard(root, "", () => Directory.CreateDirectory(root));

        foreach (var item in sorted)
        {
            var path = Path.Combine(root, item.Path);
            Guard(root, item.Path, () =>
            {
                switch (item.Type)
                {
                    case RootfsEntryType.Directory:
                        Directory.CreateDirectory(path); // mode, owner and mtime once its children are in
                        break;
                    case RootfsEntryType.SymbolicLink:
                        File.CreateSymbolicLink(path, item.LinkTarget ?? "");
                        owners.Apply(path, item);
                        LinkTimes.SetWithoutFollowing(path, mtimeSeconds);
                        break;
                    case RootfsEntryType.RegularFile:
                        var key = item.HardLinkKey is { } k ? (k, item.Mode, item.Uid, item.Gid) : default;
                        if (item.HardLinkKey is not null && firstOfLinkGroup.TryGetValue(key, out var first) && HardLinks.TryCreate(first, path))
                        {
                            break; // same inode: mode, owner and mtime are already set
                        }

                        CopyChecked(item, path);
                        owners.Apply(path, item); // before the mode: chown clears setuid and setgid
                        SetMode(path, item.Mode);
                        File.SetLastWriteTimeUtc(path, mtime);
                        if (item.HardLinkKey is not null)
                        {
                            firstOfLinkGroup.TryAdd(key, path);
                        }

                        break;
                }
            });
        }

        // Deepest first (reverse sorted order puts children before parents), so that setting a
        // folder's mode cannot lock out its children and writing them cannot bump its mtime.
        for (var i = sorted.Count - 1; i >= 0; i--)
        {
            var item = sorted[i];
            if (item.Type == RootfsEntryType.Directory)
            {
                var path = Path.Combine(root, item.Path);
                Guard(root, item.Path, () =>
                {
                    owners.Apply(path, item);
                    SetMode(path, item.Mode);
                    Directory.SetLastWriteTimeUtc(path, mtime);
                });
            }
        }

        Guard(root, "", () => Directory.SetLastWriteTimeUtc(root, mtime));
    }

    private static void CopyChecked(RootfsEntry item, string path)
    {
        if (item.SourcePath is null && item.Size == 0)
        {
            File.WriteAllBytes(path, []); // an empty placeholder, such as a bind mount's target file
            return;
        }

        var source = item.SourcePath ?? throw new ArgumentException($"The file '{item.Path}' has no SourcePath.", nameof(item));
        try
        {
            File.Copy(source, path); // lets the OS clone or copy in the kernel where it can
        }
        catch (Exception e) when ((e is IOException or UnauthorizedAccessException) && !File.Exists(source))
        {
            throw new OciBundleException(Diagnostic.Error(Messages.UnreadableInput, null, item.Origin, source, e.Message), e);
        }

        var copied = new FileInfo(path).Length;
        if (copied != item.Size)
        {
            throw new OciBundleException(Diagnostic.Error(
                Messages.UnreadableInput, null, item.Origin, source,
                $"it changed while the rootfs was written ({item.Size} bytes when listed, {copied} bytes now); stop whatever writes to it and build again"));
        }
    }

    private static void SetMode(string path, int mode)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, (UnixFileMode)(mode & 0xFFF));
        }
    }

    private static void Guard(string root, string entry, Action write)
    {
        try
        {
            write();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OciBundleException(Diagnostic.Error(Messages.RootfsWriteFailed, null, "/" + entry, root, e.Message), e);
        }
    }
}
