using OciBundle.Diagnostics;

namespace OciBundle.Rootfs;

/// <summary>
/// Turns the entries of one archive, in order, into rootfs entries (the state of one
/// <see cref="ArchiveReader.AddArchive"/> call, or of one image layer): names checked, file data
/// spooled, hard links resolved to what the tree already holds. <paramref name="place"/> puts an
/// entry into the tree (an image layer replaces a lower folder whole; a base archive may not).
/// </summary>
internal sealed class ArchiveContext(RootfsTree tree, TarStreamReader reader, string archivePath, string spoolDirectory, string origin, Action<Diagnostic>? warn, Action<RootfsEntry>? place = null)
{
    private readonly Action<RootfsEntry> _place = place ?? tree.Add;

    private readonly byte[] _buffer = new byte[1 << 16];
    private int _spooled;

    public void Add(TarMember entry)
    {
        var path = SafePath(entry.Name, entry.Name);
        switch (entry.Kind)
        {
            case TarMemberKind.Directory:
                _place(Entry(entry, path, RootfsEntryType.Directory));
                return;
            case TarMemberKind.RegularFile:
                AddFile(entry, path);
                return;
            case TarMemberKind.SymbolicLink:
                if (entry.LinkName.Contains('\0'))
                {
                    throw Unsafe(entry.Name, "is a symbolic link whose target contains a NUL character");
                }

                _place(Entry(entry, path, RootfsEntryType.SymbolicLink) with { LinkTarget = entry.LinkName });
                return;
            case TarMemberKind.HardLink:
                AddHardLink(entry, path);
                return;
            case TarMemberKind.CharacterDevice or TarMemberKind.BlockDevice or TarMemberKind.Fifo:
                warn?.Invoke(Diagnostic.Warning(Messages.ArchiveEntrySkipped, null, archivePath, Shown(entry.Name), entry.KindName));
                return;
            default:
                throw new OciBundleException(Diagnostic.Error(Messages.UnsupportedArchiveEntry, null, archivePath, Shown(entry.Name), entry.KindName));
        }
    }

    private void AddFile(TarMember entry, string path)
    {
        if (path.Length == 0)
        {
            throw Unsafe(entry.Name, "is a file in place of the rootfs root");
        }

        // Named by a counter, never by the archive: the names are not trusted, nor unique by case.
        // Names already taken (an earlier archive spooled into the same folder) are skipped.
        string spool;
        do
        {
            spool = Path.Combine(spoolDirectory, (++_spooled).ToString("D8", System.Globalization.CultureInfo.InvariantCulture));
        }
        while (File.Exists(spool));

        try
        {
            using var output = new FileStream(spool, FileMode.CreateNew, FileAccess.Write, FileShare.None, 0);
            int read;
            while ((read = reader.ReadData(_buffer)) > 0)
            {
                output.Write(_buffer, 0, read);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The reader turns its own failures into coded errors, so this is the spool's side: a full disk, most often.
            throw new OciBundleException(Diagnostic.Error(
                Messages.WriteFailed, null, spoolDirectory, $"{e.Message.TrimEnd('.')} (while copying '{Shown(entry.Name)}' of OciBaseRootfs '{archivePath}' to the spool folder)"), e);
        }

        _place(Entry(entry, path, RootfsEntryType.RegularFile) with { SourcePath = spool, Size = entry.Size });
    }

    private void AddHardLink(TarMember entry, string path)
    {
        var target = SafePath(entry.LinkName, entry.Name, "is a hard link to '" + Shown(entry.LinkName) + "', which ");
        if (!tree.TryGet(target, out var existing) || target.Length == 0)
        {
            throw new OciBundleException(Diagnostic.Error(Messages.LinkLeavesTree, null, origin, Shown(entry.Name), Shown(entry.LinkName)));
        }

        switch (existing.Type)
        {
            case RootfsEntryType.RegularFile:
                // Both names share the spooled copy and a key, so the writers link them again.
                // Mode and owner are the target's: extracting the link gives the target's inode.
                var key = existing.HardLinkKey ?? "spool:" + existing.SourcePath;
                if (existing.HardLinkKey is null)
                {
                    tree.Add(existing with { HardLinkKey = key });
                }

                _place(existing with { Path = path, HardLinkKey = key, Origin = origin });
                return;
            case RootfsEntryType.SymbolicLink:
                _place(existing with { Path = path, Origin = origin }); // a hard link to a link is that link again
                return;
            default:
                throw Unsafe(entry.Name, $"is a hard link to the folder '{Shown(entry.LinkName)}'");
        }
    }

    private RootfsEntry Entry(TarMember entry, string path, RootfsEntryType type) => new()
    {
        Path = path,
        Type = type,
        Mode = entry.Mode,
        Uid = entry.Uid,
        Gid = entry.Gid,
        Origin = origin,
    };

    /// <summary>Normalises an archive name, refusing absolute names, '..' and NUL.</summary>
    public string SafePath(string name, string entryName, string prefix = "")
    {
        if (name.StartsWith('/'))
        {
            throw Unsafe(entryName, prefix + "is an absolute path");
        }

        if (!RootfsPath.TryNormalize(name, out var normalized, out var reason))
        {
            throw Unsafe(entryName, prefix + reason.Replace("it contains", "contains", StringComparison.Ordinal));
        }

        return normalized;
    }

    private OciBundleException Unsafe(string entryName, string why) =>
        new(Diagnostic.Error(Messages.UnsafeArchiveEntry, null, archivePath, Shown(entryName), why));

    /// <summary>A name for a message: control characters (a newline could forge a log line) shown as \xNN.</summary>
    private static string Shown(string name) => TarStreamReader.Display(System.Text.Encoding.UTF8.GetBytes(name), int.MaxValue);
}
