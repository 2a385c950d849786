using OciBundle.Rootfs;

namespace OciBundle.Output.Image;

/// <summary>
/// The project's layer over a base image: what a tar extractor must apply to the base's rootfs to
/// get the final tree. Every entry that is not the very entry the base layers produced
/// (reference equality: the base snapshot's objects are kept as they are when untouched), every
/// parent folder of those (so an extractor creates them with their modes and owners, not its
/// defaults), and a whiteout `.wh.NAME` for each path the final tree lost. A removed folder gets
/// one whiteout, not one per child; a path under something that is no longer a folder needs none
/// (the new entry replaces the folder whole).
/// </summary>
public static class LayerDiff
{
    public const string WhiteoutPrefix = ".wh.";

    /// <summary>The layer's entries in the one sorted order (parents first), whiteouts as empty mode-0 files.</summary>
    public static IReadOnlyList<RootfsEntry> Compute(IReadOnlyList<RootfsEntry> sorted, IReadOnlyDictionary<string, RootfsEntry> baseEntries)
    {
        var final = new Dictionary<string, RootfsEntry>(sorted.Count, StringComparer.Ordinal);
        foreach (var entry in sorted)
        {
            final[entry.Path] = entry;
        }

        var layer = new Dictionary<string, RootfsEntry>(StringComparer.Ordinal);
        void AddWithParents(RootfsEntry entry)
        {
            layer[entry.Path] = entry;
            for (var parent = RootfsPath.Parent(entry.Path); parent.Length > 0 && !layer.ContainsKey(parent); parent = RootfsPath.Parent(parent))
            {
                layer[parent] = final.TryGetValue(parent, out var folder)
                    ? folder
                    : new RootfsEntry { Path = parent, Type = RootfsEntryType.Directory, Mode = RootfsTree.ImplicitDirectoryMode };
            }
        }

        foreach (var entry in sorted)
        {
            if (!(baseEntries.TryGetValue(entry.Path, out var before) && ReferenceEquals(before, entry)))
            {
                AddWithParents(entry);
            }
        }

        foreach (var path in baseEntries.Keys)
        {
            if (final.ContainsKey(path))
            {
                continue;
            }

            var parent = RootfsPath.Parent(path);
            var parentIsFolder = parent.Length == 0 || (final.TryGetValue(parent, out var p) && p.Type == RootfsEntryType.Directory);
            if (!parentIsFolder)
            {
                continue; // the parent was removed (its own whiteout covers this) or replaced by a file or link
            }

            var name = path[(parent.Length == 0 ? 0 : parent.Length + 1)..];
            AddWithParents(new RootfsEntry
            {
                Path = parent.Length == 0 ? WhiteoutPrefix + name : $"{parent}/{WhiteoutPrefix}{name}",
                Type = RootfsEntryType.RegularFile,
                Mode = 0,
                Origin = "whiteout of /" + path,
            });
        }

        var result = layer.Values.ToList();
        result.Sort(static (a, b) => string.CompareOrdinal(a.Path, b.Path));
        return result;
    }
}
