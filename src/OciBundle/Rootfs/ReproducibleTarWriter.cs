using System.Formats.Tar;

namespace OciBundle.Rootfs;

/// <summary>
/// Writes tar archives whose bytes depend only on what goes in: GNU format (long names and link
/// targets as GNU long-name records), one fixed mtime, owners by number with empty names, no
/// access or change times. PAX is avoided because the BCL puts the process id into PAX header
/// names. Nothing is buffered: file contents stream from their source files.
/// </summary>
public sealed class ReproducibleTarWriter : IDisposable
{
    private const int SymbolicLinkMode = 0b111_111_111;

    private readonly TarWriter _writer;
    private readonly DateTimeOffset _mtime;

    /// <param name="mtimeSeconds">Modification time of every entry, in seconds since 1970-01-01 (SOURCE_DATE_EPOCH).</param>
    public ReproducibleTarWriter(Stream output, long mtimeSeconds, bool leaveOpen = false)
    {
        _writer = new TarWriter(output, TarEntryFormat.Gnu, leaveOpen);
        _mtime = DateTimeOffset.FromUnixTimeSeconds(mtimeSeconds);
    }

    /// <summary>Writes a root-owned folder; a '/' is appended to the name when missing.</summary>
    public void WriteDirectory(string name, int mode) =>
        _writer.WriteEntry(NewEntry(TarEntryType.Directory, AsFolderName(name), mode, 0, 0));

    /// <summary>Writes a root-owned file with the given bytes (for small generated files such as config.json).</summary>
    public void WriteFile(string name, byte[] content, int mode)
    {
        var entry = NewEntry(TarEntryType.RegularFile, name, mode, 0, 0);
        entry.DataStream = new MemoryStream(content, writable: false);
        _writer.WriteEntry(entry);
    }

    /// <inheritdoc cref="WriteFile(string, byte[], int)"/>
    public void WriteFile(string name, ReadOnlySpan<byte> content, int mode) => WriteFile(name, content.ToArray(), mode);

    /// <summary>
    /// Writes <paramref name="sorted"/> (as <see cref="RootfsTree.Sorted"/> returns it) with every
    /// name prefixed by <paramref name="prefix"/> ("" or a folder such as "rootfs/"; the prefix
    /// folder itself is the caller's to write). Regular files sharing a HardLinkKey, mode and owner
    /// become one file and hard links to it. Throws OCIB3004 when a source file cannot be read or
    /// its size changed since it was listed.
    /// </summary>
    public void WriteTree(IReadOnlyList<RootfsEntry> sorted, string prefix, PackingProgress? progress = null, ContentDigests? digests = null)
    {
        var firstOfLinkGroup = new Dictionary<(string Key, int Mode, int Uid, int Gid), string>();
        foreach (var item in sorted)
        {
            progress?.Advance(item);
            var name = prefix + item.Path;
            switch (item.Type)
            {
                case RootfsEntryType.Directory:
                    _writer.WriteEntry(NewEntry(TarEntryType.Directory, AsFolderName(name), item.Mode, item.Uid, item.Gid));
                    break;
                case RootfsEntryType.SymbolicLink:
                    var link = NewEntry(TarEntryType.SymbolicLink, name, SymbolicLinkMode, item.Uid, item.Gid);
                    link.LinkName = item.LinkTarget ?? "";
                    _writer.WriteEntry(link);
                    break;
                case RootfsEntryType.RegularFile when item.HardLinkKey is { } key
                    && firstOfLinkGroup.TryGetValue((key, item.Mode, item.Uid, item.Gid), out var first):
                    var hardLink = NewEntry(TarEntryType.HardLink, name, item.Mode, item.Uid, item.Gid);
                    hardLink.LinkName = first;
                    _writer.WriteEntry(hardLink);
                    break;
                case RootfsEntryType.RegularFile:
                    WriteSourceFile(item, name, digests);
                    if (item.HardLinkKey is { } newKey)
                    {
                        firstOfLinkGroup[(newKey, item.Mode, item.Uid, item.Gid)] = name;
                    }

                    break;
                default:
                    throw new ArgumentException($"Unknown entry type {item.Type} at '{item.Path}'.", nameof(sorted));
            }
        }
    }

    public void Dispose() => _writer.Dispose();

    private void WriteSourceFile(RootfsEntry item, string name, ContentDigests? digests)
    {
        if (item.SourcePath is null && item.Size == 0)
        {
            _writer.WriteEntry(NewEntry(TarEntryType.RegularFile, name, item.Mode, item.Uid, item.Gid)); // an empty placeholder
            return;
        }

        var source = item.SourcePath ?? throw new ArgumentException($"The file '{item.Path}' has no SourcePath.", nameof(item));
        var entry = NewEntry(TarEntryType.RegularFile, name, item.Mode, item.Uid, item.Gid);
        using var data = SourceFile.OpenChecked(source, item);
        data.Hasher = digests is null ? null : new ContentDigests.Hasher();
        entry.DataStream = data;
        _writer.WriteEntry(entry);
        data.EnsureReadToEnd();
        if (data.Hasher is { } hasher && digests is not null)
        {
            digests.Record(item.Path, hasher.Finish());
        }
    }

    private GnuTarEntry NewEntry(TarEntryType type, string name, int mode, int uid, int gid) => new(type, name)
    {
        ModificationTime = _mtime,
        Mode = (UnixFileMode)(mode & 0xFFF),
        Uid = uid,
        Gid = gid,
        UserName = "",
        GroupName = "",
    };

    private static string AsFolderName(string name) => name.EndsWith('/') ? name : name + "/";
}
