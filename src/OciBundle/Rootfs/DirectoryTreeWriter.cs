using System.Runtime.ExceptionServices;
using OciBundle.Diagnostics;
using OciBundle.Platform;
using OciBundle.Platform.Interop;

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
        Guard(root, "", () => Directory.CreateDirectory(root));

        // Folders first, in sorted order (parents before children); mode, owner and mtime come last.
        foreach (var item in sorted.Where(e => e.Type == RootfsEntryType.Directory))
        {
            Guard(root, item.Path, () => Directory.CreateDirectory(Path.Combine(root, item.Path)));
        }

        // Regular files on every core: a copy is mostly kernel work (a reflink, or copy_file_range),
        // and one thread leaves the other cores idle. The first file of each hard-link group (in
        // sorted order) is copied here; the rest become links to it below.
        var leaders = new Dictionary<(string Key, int Mode, int Uid, int Gid), string>();
        var followers = new List<(RootfsEntry Item, string Leader)>();
        var copies = new List<RootfsEntry>();
        foreach (var item in sorted.Where(e => e.Type == RootfsEntryType.RegularFile))
        {
            if (item.HardLinkKey is { } key && !leaders.TryAdd((key, item.Mode, item.Uid, item.Gid), item.Path))
            {
                followers.Add((item, leaders[(key, item.Mode, item.Uid, item.Gid)]));
            }
            else
            {
                copies.Add(item);
            }
        }

        ForEachOnAllCores(copies, item => Guard(root, item.Path, () => WriteFile(item, Path.Combine(root, item.Path), owners, mtime)));
        foreach (var (item, leader) in followers)
        {
            var path = Path.Combine(root, item.Path);
            Guard(root, item.Path, () =>
            {
                if (!HardLinks.TryCreate(Path.Combine(root, leader), path))
                {
                    WriteFile(item, path, owners, mtime); // no hard links here: a copy of its own
                }

                // Linked: same inode, so mode, owner and mtime are already set.
            });
        }

        foreach (var item in sorted.Where(e => e.Type == RootfsEntryType.SymbolicLink))
        {
            var path = Path.Combine(root, item.Path);
            Guard(root, item.Path, () =>
            {
                File.CreateSymbolicLink(path, item.LinkTarget ?? "");
                owners.Apply(path, item);
                LinkTimes.SetWithoutFollowing(path, mtimeSeconds);
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

    private static void WriteFile(RootfsEntry item, string path, OwnerSetter owners, DateTime mtime)
    {
        CopyChecked(item, path);
        owners.Apply(path, item); // before the mode: chown clears setuid and setgid
        SetMode(path, item.Mode);
        File.SetLastWriteTimeUtc(path, mtime);
    }

    /// <summary>Runs <paramref name="write"/> for every item on all cores; the first failure is rethrown as itself, not wrapped.</summary>
    private static void ForEachOnAllCores(List<RootfsEntry> items, Action<RootfsEntry> write)
    {
        try
        {
            Parallel.ForEach(items, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, write);
        }
        catch (AggregateException e)
        {
            ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }
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
            InputFiles.ThrowUnlessRegularFile(source); // File.Copy would block on a fifo put in its place since it was listed
        }
        catch (IOException e)
        {
            throw InputFiles.Unreadable(item.Origin, source, e);
        }

        try
        {
            File.Copy(source, path); // lets the OS clone or copy in the kernel where it can
        }
        catch (Exception e) when ((e is IOException or UnauthorizedAccessException) && !File.Exists(source))
        {
            throw InputFiles.Unreadable(item.Origin, source, e);
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
