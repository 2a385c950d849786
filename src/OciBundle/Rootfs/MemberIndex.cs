using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Microsoft.Win32.SafeHandles;
using OciBundle.Diagnostics;
using OciBundle.Platform.Interop;

namespace OciBundle.Rootfs;

/// <summary>
/// Where the members of the last build's outputs are in those outputs: one file,
/// <see cref="MemberCache.MemberIndexName"/>, a header, per output a line "output sha256 size
/// path" and its members "m key offset length uncompressed crc32" (the CRC-32 in the member's own
/// gzip trailer), and a last line with the SHA-256 of all before it (<see cref="ChecksummedIndex"/>).
/// A build reads it once (<see cref="Load"/>), keeping only the outputs provably unchanged since
/// they were indexed, and finds members in them (<see cref="TryFind"/>), which the gzip stream
/// copies into the new output without reading them; it notes where its own members land
/// (<see cref="Record"/>), writes the index of what it committed (<see cref="Write"/>), and proves
/// after writing that the previous outputs were not written to meanwhile
/// (<see cref="EnsureUnchanged"/>). See docs/performance.md for why that is sound.
/// </summary>
internal sealed class MemberIndex : IDisposable
{
    private const string Header = "oci-bundle-members 2";

    private readonly string _path;
    private readonly Action<string> _drop;

    // Members of the previous outputs, by key (hex): only outputs proven unchanged since they were indexed (Load).
    private readonly Dictionary<string, PreviousMember> _previous = new(StringComparer.Ordinal);
    private readonly List<(SafeFileHandle File, string Path, string Digest)> _previousFiles = [];
    private Func<string, string, bool>? _stillAsWritten;

    // The previous outputs members were found in (TryFind): the ones EnsureUnchanged proves.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<SafeFileHandle, byte> _used = new();

    // Members of this build's outputs, by the staged file they went into; written as the index once committed.
    private readonly Dictionary<string, List<(string Key, long Offset, int Length, long Uncompressed, uint Crc)>> _written = new(StringComparer.Ordinal);
    private List<(string Path, string Sha256, long Size, string Staged)>? _committed;

    /// <param name="drop">Deletes a file and, when asked, counts it as damaged (the cache's OCIB5013 figures).</param>
    public MemberIndex(string folder, Action<string, bool> drop)
    {
        _path = Path.Combine(folder, MemberCache.MemberIndexName);
        _drop = path => drop(path, true);
        DropQuietly = path => drop(path, false);
    }

    /// <summary>Members found in the previous outputs.</summary>
    public int Count => _previous.Count;

    private Action<string> DropQuietly { get; }

    /// <summary>
    /// Reads the index and keeps the members of each output it names whose file is provably still
    /// the one indexed: the project's up-to-date stamp lists that path with the same SHA-256 and
    /// the <c>statx</c> identity recorded right after its commit (settled past the clock tick, the
    /// proof <c>OutputOwnership</c> accepts instead of a hash), and the file opened now still has
    /// that identity and size. Any write since (a truncation, a rewrite touched back, a
    /// replacement) has changed ctime or the inode: its members are then compressed again. A
    /// damaged index is dropped whole (counted).
    /// </summary>
    public void Load(Func<string, string, bool> stillAsWritten)
    {
        _stillAsWritten = stillAsWritten;
        var rows = ChecksummedIndex.Read(_path, Header, out var damaged);
        if (rows is null)
        {
            if (damaged)
            {
                _drop(_path);
            }

            return; // none yet, gone or dropped: everything is compressed
        }

        SafeFileHandle? current = null;
        foreach (var line in rows)
        {
            var parts = line.Split(' ', 4);
            if (parts is ["output", { Length: 64 } digest, var size, var output])
            {
                current = long.TryParse(size, out var length) ? OpenIfUnchanged(output, digest, length, stillAsWritten) : null;
            }
            else if (current is not null && line.Split(' ') is ["m", { Length: 64 } key, var offset, var length, var uncompressed, { Length: 8 } crc]
                && long.TryParse(offset, out var at) && int.TryParse(length, out var count) && long.TryParse(uncompressed, out var bytes)
                && uint.TryParse(crc, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var crc32))
            {
                _previous.TryAdd(key, new PreviousMember(current, at, count, bytes, crc32));
            }
        }
    }

    /// <summary>
    /// The member indexed under <paramref name="key"/> in a previous output, once its place there
    /// is checked (<see cref="Check"/>); null when there is none (<paramref name="listed"/> false)
    /// or the check fails (true). Its bytes are not read: the gzip stream copies them.
    /// </summary>
    public PreviousMember? TryFind(byte[] key, int uncompressedLength, out bool listed)
    {
        listed = false;
        if (_previous.Count == 0 || !_previous.TryGetValue(Convert.ToHexString(key), out var indexed))
        {
            return null;
        }

        listed = true;
        if (!Check(indexed, uncompressedLength))
        {
            return null;
        }

        _used.TryAdd(indexed.File, 0);
        return indexed;
    }

    /// <summary>
    /// Throws OCIB3004 when a previous output this build copied members from is no longer the file
    /// its identity named when it was opened: something wrote to it (a new ctime) or replaced it
    /// while this build read it, so the members copied may not be the bytes indexed. Called once
    /// the output holding them is written, before anything is committed.
    /// </summary>
    public void EnsureUnchanged()
    {
        foreach (var (file, path, digest) in _previousFiles)
        {
            if (_used.ContainsKey(file) && (!_stillAsWritten!(path, digest) || !SameFile(file, path)))
            {
                throw new OciBundleException(Diagnostic.Error(
                    Messages.UnreadableInput, null, "the previous bundle", path, "it was written to while this build copied its unchanged gzip members; stop whatever writes to the bundle and build again"));
            }
        }
    }

    /// <summary>Notes where a member of this build's output <paramref name="output"/> (staged) landed; see <see cref="MemberCache.Record"/>.</summary>
    public void Record(string output, IEnumerable<byte[]> keys, long offset, int length, long uncompressedLength, uint crc)
    {
        lock (_written)
        {
            if (!_written.TryGetValue(output, out var rows))
            {
                _written[output] = rows = [];
            }

            foreach (var key in keys)
            {
                rows.Add((Convert.ToHexString(key), offset, length, uncompressedLength, crc));
            }
        }
    }

    /// <summary>The outputs this build moved into place (see <see cref="MemberCache.OutputsCommitted"/>).</summary>
    public void Committed(IEnumerable<(string Staged, string Path, string Sha256, long Size)> outputs) =>
        _committed = outputs.Select(o => (o.Path, o.Sha256, o.Size, o.Staged)).ToList();

    /// <summary>
    /// Writes the index of the members of the outputs this build committed (temporary name, then
    /// rename). With no committed output, an old index is removed. Best effort.
    /// </summary>
    public void Write()
    {
        var text = new StringBuilder();
        var any = false;
        lock (_written)
        {
            foreach (var output in _committed ?? [])
            {
                if (!_written.TryGetValue(output.Staged, out var rows) || output.Path.Contains('\n'))
                {
                    continue;
                }

                any = true;
                text.Append(CultureInfo.InvariantCulture, $"output {output.Sha256} {output.Size} {output.Path}\n");
                foreach (var row in rows)
                {
                    text.Append(CultureInfo.InvariantCulture, $"m {row.Key} {row.Offset} {row.Length} {row.Uncompressed} {row.Crc:x8}\n");
                }
            }
        }

        if (!any)
        {
            if (_committed is not null)
            {
                DropQuietly(_path); // the outputs it named were replaced by ones not indexed
            }

            return;
        }

        ChecksummedIndex.Write(_path, Header, text.ToString());
    }

    /// <summary>Closes the previous outputs (read only while the new ones are written, before the commit renames them aside).</summary>
    public void Dispose()
    {
        foreach (var (file, _, _) in _previousFiles)
        {
            file.Dispose();
        }

        _previousFiles.Clear();
        _previous.Clear();
        _used.Clear();
    }

    private SafeFileHandle? OpenIfUnchanged(string output, string digest, long size, Func<string, string, bool> stillAsWritten)
    {
        if (!stillAsWritten(output, digest))
        {
            return null;
        }

        try
        {
            var handle = File.OpenHandle(output, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            // Opened, then checked again: the handle is the file whose identity the stamp recorded, not one renamed over it meanwhile.
            if (!stillAsWritten(output, digest) || RandomAccess.GetLength(handle) != size)
            {
                handle.Dispose();
                return null;
            }

            _previousFiles.Add((handle, output, digest));
            return handle;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// Checks an indexed member's place in the previous output without reading the member: it
    /// stands for as many bytes as wanted, and the file holds a gzip header where the row says it
    /// starts and, where it says it ends, the trailer the row names (the member's CRC-32 and
    /// length). A row that points elsewhere (another member, past the end, a shifted offset) meets
    /// other bytes there. The file itself is proven unchanged by its identity (<see cref="Load"/>,
    /// <see cref="EnsureUnchanged"/>), which is what makes the member's other bytes the indexed ones.
    /// </summary>
    private static bool Check(PreviousMember member, int uncompressedLength)
    {
        if (member.Uncompressed != uncompressedLength || member.Offset < 0 || member.Length < MemberCache.MinimumMemberLength)
        {
            return false;
        }

        try
        {
            Span<byte> head = stackalloc byte[3];
            Span<byte> trailer = stackalloc byte[8];
            return RandomAccess.Read(member.File, head, member.Offset) == 3 && head.SequenceEqual(GzipHead)
                && RandomAccess.Read(member.File, trailer, member.Offset + member.Length - 8) == 8
                && BinaryPrimitives.ReadUInt32LittleEndian(trailer) == member.Crc
                && BinaryPrimitives.ReadUInt32LittleEndian(trailer[4..]) == (uint)uncompressedLength;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
            return false;
        }
    }

    private static ReadOnlySpan<byte> GzipHead => [0x1f, 0x8b, 8];

    /// <summary>Whether the open handle is still the file at <paramref name="path"/> (device and inode).</summary>
    private static bool SameFile(SafeFileHandle file, string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return true; // no identities there: the stamp had none, so no previous output was opened
        }

        try
        {
            return StatxInfo.TryGet(path, followLinks: true) is { } now && StatxInfo.TryGet(file) is { } open
                && now.Inode == open.Inode && now.DeviceMajor == open.DeviceMajor && now.DeviceMinor == open.DeviceMinor;
        }
        catch (IOException)
        {
            return false;
        }
    }
}

/// <summary>A member of the previous output: <paramref name="Length"/> bytes at <paramref name="Offset"/> of <paramref name="File"/>, standing for <paramref name="Uncompressed"/> bytes whose CRC-32 is <paramref name="Crc"/>.</summary>
public sealed record PreviousMember(SafeFileHandle File, long Offset, int Length, long Uncompressed, uint Crc);
