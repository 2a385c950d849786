using System.Formats.Tar;
using OciBundle.Diagnostics;

namespace OciBundle.Rootfs;

/// <summary>
/// Writes tar archives whose bytes depend only on what goes in: GNU format (long names and link
/// targets as GNU long-name records), one fixed mtime, owners by number with empty names, no
/// access or change times. PAX is avoided because the BCL puts the process id into PAX header
/// names. Nothing is buffered: file contents stream from their source files.
/// <para>
/// Given the <see cref="ParallelGzipStream"/> it writes into, it also chooses where gzip members
/// end, from the entries: headers and small files share members of up to a
/// <see cref="ParallelGzipStream.BlockSize"/>, ended where a path's hash says so (so one file that
/// grows does not move every later cut); the data of a file of <see cref="LargeFileSize"/> or more
/// gets members of its own, one per <see cref="ParallelGzipStream.BlockSize"/> of the file, so a
/// change in one file changes its own members and at most the group around its header. Members of
/// unchanged large files come from the stream's <see cref="MemberCache"/> without reading the file.
/// </para>
/// </summary>
public sealed class ReproducibleTarWriter : IDisposable
{
    /// <summary>Files this large get gzip members of their own (see the class remarks). Changing it changes the archive's bytes.</summary>
    public const int LargeFileSize = 256 << 10;

    /// <summary>A group of small entries may end before a path whose hash is 0 mod 4 once it holds this much.</summary>
    private const int MinimumGroup = 128 << 10;

    private const int SymbolicLinkMode = 0b111_111_111;

    private readonly TarWriter _writer;
    private readonly DateTimeOffset _mtime;
    private readonly ParallelGzipStream? _members;
    private readonly bool _contentNeeded;

    /// <param name="mtimeSeconds">Modification time of every entry, in seconds since 1970-01-01 (SOURCE_DATE_EPOCH).</param>
    /// <param name="members">The gzip stream under <paramref name="output"/> (the same, or under a pass-through such as a hashing stream), to align its members to entries.</param>
    /// <param name="contentNeeded">Whether every byte of the tar must really pass through <paramref name="output"/> (it is hashed on the way): then no file is skipped, even when all its members are cached.</param>
    public ReproducibleTarWriter(Stream output, long mtimeSeconds, bool leaveOpen = false, ParallelGzipStream? members = null, bool contentNeeded = false)
    {
        _writer = new TarWriter(output, TarEntryFormat.Gnu, leaveOpen);
        _mtime = DateTimeOffset.FromUnixTimeSeconds(mtimeSeconds);
        _members = members;
        _contentNeeded = contentNeeded;
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
            CutBefore(item, name, firstOfLinkGroup.Count > 0 && item.HardLinkKey is { } k && firstOfLinkGroup.ContainsKey((k, item.Mode, item.Uid, item.Gid)));
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

    /// <summary>Ends the current group of small entries where the rules in the class remarks say.</summary>
    private void CutBefore(RootfsEntry item, string name, bool isHardLink)
    {
        if (_members is null || _members.Pending == 0)
        {
            return;
        }

        // What the entry adds to the group: its header, GNU long-name records, and small data.
        var names = 2 * (System.Text.Encoding.UTF8.GetByteCount(name) + (item.LinkTarget?.Length ?? 0));
        var data = item.Type == RootfsEntryType.RegularFile && !isHardLink && item.Size < LargeFileSize ? item.Size : 0;
        var adds = 512 + 1024 + names + data;
        if (_members.Pending + adds > ParallelGzipStream.BlockSize
            || (_members.Pending >= MinimumGroup && PathHash(name) % 4 == 0))
        {
            _members.Cut();
        }
    }

    /// <summary>FNV-1a of the UTF-16 code units: stable across machines and runtimes, unlike string.GetHashCode.</summary>
    private static uint PathHash(string name)
    {
        var hash = 2166136261u;
        foreach (var c in name)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return hash;
    }

    private void WriteSourceFile(RootfsEntry item, string name, ContentDigests? digests)
    {
        if (item.SourcePath is null && item.Size == 0)
        {
            _writer.WriteEntry(NewEntry(TarEntryType.RegularFile, name, item.Mode, item.Uid, item.Gid)); // an empty placeholder
            return;
        }

        var source = item.SourcePath ?? throw new ArgumentException($"The file '{item.Path}' has no SourcePath.", nameof(item));
        var entry = NewEntry(TarEntryType.RegularFile, name, item.Mode, item.Uid, item.Gid);
        if (_members is not null && item.Size >= LargeFileSize)
        {
            WriteLargeFile(item, source, entry, digests, _members);
            return;
        }

        if (_members?.Cache is { } cache && cache.Identify(source, item.Size) is { } identity)
        {
            WriteSmallFile(item, source, entry, digests, _members, identity);
            return;
        }

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

    /// <summary>
    /// A small file whose <c>statx</c> identity can be trusted: its data stands in its group's key
    /// by that identity, and when nothing needs its bytes here (no tar digest, its SBOM digests
    /// known by the same identity) it is not even opened unless its group is missing from the cache.
    /// </summary>
    private void WriteSmallFile(RootfsEntry item, string source, GnuTarEntry entry, ContentDigests? digests, ParallelGzipStream members, FileIdentity identity)
    {
        var cachedDigest = digests is not null ? members.Cache!.TryLoadDigest(identity) : null;
        var mayDefer = !_contentNeeded && (digests is null || cachedDigest is not null);
        using var data = new SmallFileDataStream(item, source, identity, members, mayDefer);
        if (digests is not null && cachedDigest is null)
        {
            data.Hasher = new ContentDigests.Hasher();
        }

        entry.DataStream = data;
        _writer.WriteEntry(entry);
        data.EnsureReadToEnd();
        RecordDigests(item, digests, cachedDigest, data.Hasher, identity, members);
    }

    private void WriteLargeFile(RootfsEntry item, string source, GnuTarEntry entry, ContentDigests? digests, ParallelGzipStream members)
    {
        // Identity first, the file opened later: a change while it is read gives it a new ctime,
        // so what is stored under this identity can never stand for other bytes.
        var identity = members.Cache?.Identify(source, item.Size);
        var cachedDigest = identity is not null && digests is not null ? members.Cache!.TryLoadDigest(identity) : null;
        var mayZeroFill = !_contentNeeded && identity is not null && (digests is null || cachedDigest is not null);
        using var data = new MemberDataStream(item, source, identity, members, mayZeroFill);
        if (digests is not null && cachedDigest is null)
        {
            data.Hasher = new ContentDigests.Hasher();
        }

        entry.DataStream = data;
        _writer.WriteEntry(entry);
        data.EnsureReadToEnd();
        RecordDigests(item, digests, cachedDigest, data.Hasher, identity, members);
    }

    /// <summary>The file's SBOM digests: the ones known by its identity, else the ones hashed while it was written, then kept under that identity for the next build.</summary>
    private static void RecordDigests(RootfsEntry item, ContentDigests? digests, ContentDigests.FileDigest? cachedDigest, ContentDigests.Hasher? hasher, FileIdentity? identity, ParallelGzipStream members)
    {
        if (digests is null)
        {
            return;
        }

        if (cachedDigest is not null)
        {
            digests.Record(item.Path, cachedDigest);
        }
        else if (hasher is not null)
        {
            var digest = hasher.Finish();
            digests.Record(item.Path, digest);
            if (identity is not null)
            {
                members.Cache!.StoreDigest(identity, digest);
            }
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

/// <summary>
/// A small file's data for the tar writer: at the first read it tells the gzip stream that its
/// bytes stand by the file's identity (<see cref="ParallelGzipStream.BeginFileData"/>) and, when
/// allowed to, reads as zeros that the gzip stream replaces by the file's bytes only if its group
/// must be compressed; else it reads the file.
/// </summary>
internal sealed class SmallFileDataStream(RootfsEntry item, string source, FileIdentity identity, ParallelGzipStream members, bool mayDefer) : InOrderDataStream(item.Size)
{
    private bool _started;
    private bool _deferred;

    /// <summary>Hashes the file's bytes as read (only when it is read here, never deferred).</summary>
    internal ContentDigests.Hasher? Hasher { get; set; }

    /// <summary>Throws OCIB3004 when the file, read to its end, held more or fewer bytes than listed.</summary>
    public void EnsureReadToEnd() => File?.EnsureReadToEnd();

    protected override int ReadNext(Span<byte> buffer, long position)
    {
        if (!_started)
        {
            _started = true;
            // Deferred only when nothing here needs the bytes: the hasher is set when the SBOM's digests are not known.
            _deferred = members.BeginFileData((int)item.Size, identity, mayDefer && Hasher is null ? Fill : null);
        }

        if (_deferred)
        {
            buffer.Clear(); // stands for the file's bytes; replaced by them if the group is compressed
            return buffer.Length;
        }

        File ??= Open();
        return File.Read(buffer);
    }

    /// <summary>Reads the whole file into its place in the group (the gzip stream calls it when the group is not cached).</summary>
    private void Fill(Span<byte> destination)
    {
        using (var file = SourceFile.OpenChecked(source, item))
        {
            file.ReadExactly(destination);
            file.EnsureReadToEnd();
        }

        // The SBOM already has this identity's digests: bytes of another identity would not match them.
        if (members.Cache!.Identify(source, item.Size) is not { } now || !now.Key.AsSpan().SequenceEqual(identity.Key))
        {
            throw new OciBundleException(Diagnostic.Error(
                Messages.UnreadableInput, null, item.Origin, source, "it changed while the rootfs was written; stop whatever writes to it and build again"));
        }
    }

    private SizeCheckedReadStream Open()
    {
        var file = SourceFile.OpenChecked(source, item);
        file.Hasher = Hasher;
        return file;
    }
}

/// <summary>
/// A large file's data for the tar writer, one gzip member per <see cref="ParallelGzipStream.BlockSize"/>
/// of it: at each chunk's start it plans the member, from the cache when the file's identity
/// names a sound one there (then the chunk reads as zeros, which the gzip stream drops), else
/// from the file itself.
/// </summary>
internal sealed class MemberDataStream(RootfsEntry item, string source, FileIdentity? identity, ParallelGzipStream members, bool mayZeroFill) : InOrderDataStream(item.Size)
{
    private ContentDigests.Hasher? _hasher;
    private long _chunkEnd;
    private bool _chunkCached;

    /// <summary>Hashes the file's bytes as read; only set when every chunk is read from the file, in order.</summary>
    internal ContentDigests.Hasher? Hasher
    {
        get => _hasher;
        set => _hasher = mayZeroFill ? null : value;
    }

    /// <summary>Throws OCIB3004 when the file, read to its end, held more or fewer bytes than listed.</summary>
    public void EnsureReadToEnd()
    {
        if (File is { } file && file.Position == item.Size)
        {
            file.EnsureReadToEnd();
        }
    }

    protected override int ReadNext(Span<byte> buffer, long position)
    {
        if (position == _chunkEnd)
        {
            StartChunk(position);
        }

        var wanted = (int)Math.Min(buffer.Length, _chunkEnd - position);
        if (_chunkCached)
        {
            buffer[..wanted].Clear(); // stands for bytes the cached member holds; dropped by the gzip stream
            return wanted;
        }

        var file = File ??= Open();
        if (file.Position != position)
        {
            file.Seek(position, SeekOrigin.Begin); // the chunks before came from the cache
        }

        return file.Read(buffer[..wanted]);
    }

    private void StartChunk(long position)
    {
        var index = position / ParallelGzipStream.BlockSize;
        var length = (int)Math.Min(ParallelGzipStream.BlockSize, item.Size - position);
        var key = identity is null ? null : MemberCache.ChunkKey(identity, members.Level, index);
        _chunkCached = mayZeroFill && key is not null && members.TryPlanCachedMember(length, key);
        if (!_chunkCached)
        {
            members.PlanMember(length, key);
        }

        _chunkEnd = position + length;
    }

    private SizeCheckedReadStream Open()
    {
        var file = SourceFile.OpenChecked(source, item);
        file.Hasher = _hasher;
        return file;
    }
}
