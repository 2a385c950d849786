using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace OciBundle.Rootfs;

/// <summary>
/// Where the members of the last build's outputs are in those outputs: one file,
/// <see cref="MemberCache.MemberIndexName"/>, a header, per output a line "output sha256 size
/// path" and its members "m key offset length uncompressed sha256", and a last line with the
/// SHA-256 of all before it (<see cref="ChecksummedIndex"/>). A build reads it once
/// (<see cref="Load"/>), keeping only the outputs provably unchanged since they were indexed, and
/// reads members from them (<see cref="TryRead"/>); it notes where its own members land
/// (<see cref="Record"/>) and writes the index of what it committed (<see cref="Write"/>).
/// </summary>
internal sealed class MemberIndex : IDisposable
{
    private const string Header = "oci-bundle-members 1";

    private readonly string _path;
    private readonly Action<string> _drop;

    // Members of the previous outputs, by key (hex): only outputs proven unchanged since they were indexed (Load).
    private readonly Dictionary<string, IndexedMember> _previous = new(StringComparer.Ordinal);
    private readonly List<SafeFileHandle> _previousFiles = [];

    // Members of this build's outputs, by the staged file they went into; written as the index once committed.
    private readonly Dictionary<string, List<(string Key, long Offset, int Length, long Uncompressed, string Sha256)>> _written = new(StringComparer.Ordinal);
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
            else if (current is not null && line.Split(' ') is ["m", { Length: 64 } key, var offset, var length, var uncompressed, { Length: 64 } sha]
                && long.TryParse(offset, out var at) && int.TryParse(length, out var count) && long.TryParse(uncompressed, out var bytes))
            {
                _previous.TryAdd(key, new IndexedMember(current, at, count, bytes, Convert.FromHexString(sha)));
            }
        }
    }

    /// <summary>
    /// Reads the member indexed under <paramref name="key"/> into <paramref name="buffer"/> and
    /// returns its length; -1 when there is none (<paramref name="found"/> false) or it fails a
    /// check (true). See <see cref="TryReadIndexed"/>.
    /// </summary>
    public int TryRead(byte[] key, int uncompressedLength, byte[] buffer, Span<byte> sha256, out bool found)
    {
        found = false;
        if (_previous.Count == 0 || !_previous.TryGetValue(Convert.ToHexString(key), out var indexed))
        {
            return -1;
        }

        found = true;
        return TryReadIndexed(indexed, uncompressedLength, buffer, sha256) ? indexed.Length : -1;
    }

    /// <summary>Notes where a member of this build's output <paramref name="output"/> (staged) landed; see <see cref="MemberCache.Record"/>.</summary>
    public void Record(string output, IEnumerable<byte[]> keys, long offset, int length, long uncompressedLength, ReadOnlySpan<byte> sha256)
    {
        var sha = Convert.ToHexString(sha256);
        lock (_written)
        {
            if (!_written.TryGetValue(output, out var rows))
            {
                _written[output] = rows = [];
            }

            foreach (var key in keys)
            {
                rows.Add((Convert.ToHexString(key), offset, length, uncompressedLength, sha));
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
                    text.Append(CultureInfo.InvariantCulture, $"m {row.Key} {row.Offset} {row.Length} {row.Uncompressed} {row.Sha256}\n");
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
        foreach (var file in _previousFiles)
        {
            file.Dispose();
        }

        _previousFiles.Clear();
        _previous.Clear();
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

            _previousFiles.Add(handle);
            return handle;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// Reads an indexed member from the previous output and checks it: its SHA-256 (as written),
    /// the gzip header and the trailer's length. The identity proved the file unchanged when it
    /// was opened; the hash also covers a write racing this build's read.
    /// </summary>
    private static bool TryReadIndexed(IndexedMember member, int uncompressedLength, byte[] buffer, Span<byte> sha256)
    {
        if (member.Uncompressed != uncompressedLength || member.Length <= 0 || member.Length > buffer.Length || member.Offset < 0)
        {
            return false;
        }

        try
        {
            var span = buffer.AsSpan(0, member.Length);
            var read = 0;
            while (read < span.Length)
            {
                var n = RandomAccess.Read(member.File, span[read..], member.Offset + read);
                if (n <= 0)
                {
                    return false; // past the end
                }

                read += n;
            }

            Span<byte> actual = stackalloc byte[32];
            SHA256.HashData(span, actual);
            if (!actual.SequenceEqual(member.Sha256) || !MemberCache.LooksLikeMember(span, uncompressedLength))
            {
                return false;
            }

            if (sha256.Length == 32)
            {
                actual.CopyTo(sha256);
            }

            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
            return false;
        }
    }

    private sealed record IndexedMember(SafeFileHandle File, long Offset, int Length, long Uncompressed, byte[] Sha256);
}
