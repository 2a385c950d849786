using OciBundle.Diagnostics;

namespace OciBundle.Rootfs;

/// <summary>
/// The merged root filesystem: later entries replace earlier ones at the same path, every parent
/// folder exists, and <see cref="Sorted"/> gives the one order every writer uses.
/// </summary>
public sealed class RootfsTree
{
    /// <summary>Mode, owner and mtime of folders nobody described (parents made on the way).</summary>
    public const int ImplicitDirectoryMode = 0b111_101_101; // 0755

    private readonly Dictionary<string, RootfsEntry> _entries = new(StringComparer.Ordinal);

    public int Count => _entries.Count;

    public bool TryGet(string path, out RootfsEntry entry) => _entries.TryGetValue(path, out entry!);

    public bool Contains(string path) => _entries.ContainsKey(path);

    /// <summary>
    /// Adds or replaces <paramref name="entry"/>. Missing parents become 0755 root-owned folders.
    /// A parent that is a file or a symbolic link is an error (OCIB3008): replacing it would
    /// silently break the base image (a merged-/usr link such as /lib → usr/lib, for example).
    /// Replacing an empty folder with a file or link is fine; replacing one that holds entries is
    /// the same error seen from the other side (those entries would end up below a file or link,
    /// that is, lost), whichever layer came first.
    /// </summary>
    public void Add(RootfsEntry entry)
    {
        if (entry.Path.Length == 0)
        {
            return; // the root itself is not an entry; its mode is the bundle's business
        }

        EnsureParents(entry);
        if (_entries.TryGetValue(entry.Path, out var existing)
            && existing.Type == RootfsEntryType.Directory
            && entry.Type != RootfsEntryType.Directory
            && FirstBelow(entry.Path) is { } child)
        {
            var kind = entry.Type == RootfsEntryType.SymbolicLink ? $"symbolic link to {entry.LinkTarget}" : "file";
            throw new OciBundleException(Diagnostic.Error(
                Messages.RootfsParentNotFolder, null, $"{child.Origin} (with {entry.Origin})", "/" + child.Path, "/" + entry.Path, kind));
        }

        _entries[entry.Path] = entry;
    }

    /// <summary>Removes the entry at <paramref name="path"/> and everything below it (an image layer's whiteout); "" empties the tree.</summary>
    public void Remove(string path)
    {
        RemoveBelow(path);
        _entries.Remove(path);
    }

    /// <summary>Removes everything below the folder <paramref name="path"/>, keeping the folder ("" is the root).</summary>
    public void RemoveBelow(string path, Func<string, bool>? keep = null)
    {
        var prefix = path.Length == 0 ? "" : path + "/";
        foreach (var key in _entries.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal) && k != path && (keep is null || !keep(k))).ToList())
        {
            _entries.Remove(key);
        }
    }

    /// <summary>A copy of the entries by path, as they are now (the very same entry objects).</summary>
    public IReadOnlyDictionary<string, RootfsEntry> Snapshot() => new Dictionary<string, RootfsEntry>(_entries, StringComparer.Ordinal);

    /// <summary>Adds a folder unless one is there already (used for mount points).</summary>
    public void EnsureDirectory(string path, string origin)
    {
        if (path.Length == 0 || _entries.TryGetValue(path, out var existing) && existing.Type == RootfsEntryType.Directory)
        {
            return;
        }

        if (existing is not null)
        {
            return; // a file or link is there on purpose: leave it to the runtime to complain
        }

        Add(new RootfsEntry { Path = path, Type = RootfsEntryType.Directory, Mode = ImplicitDirectoryMode, Origin = origin });
    }

    /// <summary>
    /// The regular file at <paramref name="path"/> (normalised), following symbolic links the way
    /// the container will see them: absolute targets from the rootfs's root, never leaving it.
    /// Null when there is no such file or the links loop.
    /// </summary>
    public RootfsEntry? ResolveFile(string path) => Resolve(path) is { Type: RootfsEntryType.RegularFile } file ? file : null;

    /// <summary>Is <paramref name="path"/> a folder, following symbolic links inside the rootfs? "" is the root.</summary>
    public bool ResolveDirectory(string path) =>
        path.Trim('/').Length == 0 || Resolve(path) is { Type: RootfsEntryType.Directory };

    private RootfsEntry? Resolve(string path) =>
        ContainedPath.Resolve(path, Node) is { } final && _entries.TryGetValue(final, out var found) ? found : null;

    private PathNode? Node(string path) =>
        _entries.TryGetValue(path, out var entry)
            ? new PathNode(entry.Type == RootfsEntryType.Directory, entry.Type == RootfsEntryType.SymbolicLink ? entry.LinkTarget ?? "" : null)
            : null;

    /// <summary>All entries, parents before children, in ordinal order of their paths.</summary>
    public IReadOnlyList<RootfsEntry> Sorted()
    {
        var list = new List<RootfsEntry>(_entries.Values);
        list.Sort(static (a, b) => string.CompareOrdinal(a.Path, b.Path));
        return list;
    }

    private void EnsureParents(RootfsEntry entry)
    {
        var parent = RootfsPath.Parent(entry.Path);
        var missing = new Stack<string>();
        while (parent.Length > 0)
        {
            if (_entries.TryGetValue(parent, out var existing))
            {
                if (existing.Type != RootfsEntryType.Directory)
                {
                    var kind = existing.Type == RootfsEntryType.SymbolicLink ? $"symbolic link to {existing.LinkTarget}" : "file";
                    throw new OciBundleException(Diagnostic.Error(
                        Messages.RootfsParentNotFolder, null, entry.Origin, "/" + entry.Path, "/" + parent, kind));
                }

                break;
            }

            missing.Push(parent);
            parent = RootfsPath.Parent(parent);
        }

        while (missing.Count > 0)
        {
            var path = missing.Pop();
            _entries[path] = new RootfsEntry { Path = path, Type = RootfsEntryType.Directory, Mode = ImplicitDirectoryMode, Origin = entry.Origin };
        }
    }

    private RootfsEntry? FirstBelow(string folder)
    {
        var prefix = folder + "/";
        return _entries.Values.Where(e => e.Path.StartsWith(prefix, StringComparison.Ordinal)).MinBy(e => e.Path, StringComparer.Ordinal);
    }
}
