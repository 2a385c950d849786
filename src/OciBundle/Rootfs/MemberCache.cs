using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Win32.SafeHandles;
using OciBundle.Platform.Interop;

namespace OciBundle.Rootfs;

/// <summary>
/// Compressed gzip members of earlier builds, kept in the project's intermediate folder (obj/) so
/// that a build after a one-file change recompresses that file's members only. A member is served
/// only under a key that names exactly the bytes it stands for:
/// <list type="bullet">
/// <item>by content: SHA-256 of the uncompressed bytes (groups of tar headers and small files,
/// which are in memory anyway, and the data of files whose <c>stat</c> cannot be trusted);</item>
/// <item>by file identity: path, device, inode, size, mtime and ctime in nanoseconds and mode
/// from <c>statx</c>, taken before the file is opened, plus the chunk's index. ctime cannot be set
/// from user space, so a file rewritten and back-dated with <c>touch -d</c> still gets a new key.
/// A file changed less than <see cref="RacyWindow"/> before the build started is not trusted (its
/// times could still change within one clock tick, as git's "racy clean" files).</item>
/// </list>
/// Every key also holds the compression level, the runtime (its zlib), the libdeflate the members
/// go through (the SHA-256 of its bytes; <see cref="LibdeflateMembers.Compressor"/>) and this
/// assembly's MVID, so a new SDK, runtime or compressor never reuses an old member. Each entry
/// is one file, written to a temporary name and renamed into place, holding its key and a SHA-256 of its payload, both
/// checked on every read: a truncated, flipped or misplaced entry is dropped and recompressed,
/// never served. Deleting the folder only costs time. Nothing is indexed in memory but the set
/// of entries this build used, which <see cref="Trim"/> keeps, deleting the others.
/// <para>
/// A build's own outputs need no entries: their members are indexed where they landed in the
/// output file (<see cref="MemberIndexName"/>), and the next build reads them from that file while
/// it is still in place, only when the up-to-date stamp's <c>statx</c> identity proves it is the
/// file indexed (<see cref="MemberIndex.Load"/>), checking each member's place by its gzip header
/// and trailer, and after writing that the file was not written to meanwhile.
/// </para>
/// </summary>
public sealed class MemberCache : IDisposable
{
    /// <summary>The folder's name beside the up-to-date stamp.</summary>
    public const string FolderName = "oci-bundle-members";

    /// <summary>Files whose mtime or ctime is this close to the build's start are keyed by content instead.</summary>
    public static readonly TimeSpan RacyWindow = TimeSpan.FromSeconds(2);

    /// <summary>The SBOM digests of the files the last build read, by identity: one file, read once.</summary>
    public const string DigestIndexName = "digests.idx";

    /// <summary>Where the members of the last build's outputs are in those outputs (key, offset, length), valid only for the file the index names.</summary>
    public const string MemberIndexName = "members.idx";

    private const string MemberSuffix = ".gzm";
    private const string DigestSuffix = ".dig";
    private const int HeaderLength = 8 + 32 + 8 + 4 + 32;
    private static ReadOnlySpan<byte> Magic => "OCIBGZC1"u8;

    private readonly byte[] _prefix;
    private readonly DateTime _started;
    private readonly Func<string, bool> _untrusted;
    private readonly ConcurrentDictionary<string, byte> _used = new(StringComparer.Ordinal);
    private readonly DigestIndex _digests;
    private readonly MemberIndex _members;
    private long _reused;
    private long _compressed;
    private long _dropped;

    private MemberCache(string folder, Func<string, bool> untrusted, DateTime started)
    {
        Folder = folder;
        _untrusted = untrusted;
        _started = started;
        WasEmpty = !Directory.EnumerateFiles(folder, "*" + MemberSuffix).Any();
        var runtime = $"OciBundle member cache 1|{RuntimeInformation.FrameworkDescription}|{RuntimeInformation.OSArchitecture}|"
            + $"{typeof(GZipStream).Assembly.ManifestModule.ModuleVersionId}|{typeof(MemberCache).Assembly.ManifestModule.ModuleVersionId}|{LibdeflateMembers.Compressor}";
        _prefix = SHA256.HashData(Encoding.UTF8.GetBytes(runtime));
        _digests = new DigestIndex(folder, path => Drop(path));
        _members = new MemberIndex(folder, Drop);
    }

    /// <summary>Members found in the previous outputs (their index proven to describe them); 0 when the index is missing, damaged, or its outputs changed.</summary>
    public int IndexedMembers => _members.Count;

    public string Folder { get; }

    /// <summary>No member was stored when the build started (a first build, or a deleted cache): lookups by content of file-keyed members would all miss.</summary>
    public bool WasEmpty { get; private set; }

    /// <summary>Members copied from the cache instead of compressed.</summary>
    public long Reused => Interlocked.Read(ref _reused);

    /// <summary>Members compressed (and stored) by this build.</summary>
    public long Compressed => Interlocked.Read(ref _compressed);

    /// <summary>Entries found damaged or not matching their key, dropped and recompressed.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>
    /// The cache beside <paramref name="stampFile"/>, or null without a stamp (no obj/ folder, as
    /// for the ocibundle-pack tool) or when the folder cannot be made: the build then compresses
    /// everything, with the same bytes. <paramref name="untrusted"/> names the source files whose
    /// stat says nothing about their content (spooled archive members, publish output).
    /// </summary>
    /// <param name="stillAsWritten">
    /// Whether a path is still the output file the last build committed with that SHA-256 (the
    /// ownership check's proof by <c>statx</c> identity); only then are members copied from it.
    /// Null: no previous output is trusted, and members are compressed or found in entries.
    /// </param>
    public static MemberCache? Open(string? stampFile, Func<string, bool> untrusted, Func<string, string, bool>? stillAsWritten = null) => Open(stampFile, untrusted, DateTime.UtcNow, stillAsWritten);

    /// <param name="started">The build's start (tests move it, instead of waiting out the racy window).</param>
    internal static MemberCache? Open(string? stampFile, Func<string, bool> untrusted, DateTime started, Func<string, string, bool>? stillAsWritten = null)
    {
        if (stampFile is null || Path.GetDirectoryName(stampFile) is not { Length: > 0 } obj)
        {
            return null;
        }

        try
        {
            var folder = Path.Combine(obj, FolderName);
            Directory.CreateDirectory(folder);
            var cache = new MemberCache(folder, untrusted, started);
            if (stillAsWritten is not null)
            {
                cache._members.Load(stillAsWritten);
                cache.WasEmpty = cache.WasEmpty && cache._members.Count == 0;
            }

            return cache;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The key of a member standing for exactly <paramref name="bytes"/> at <paramref name="level"/>.</summary>
    public byte[] ContentKey(CompressionLevel level, ReadOnlySpan<byte> bytes)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(_prefix);
        hash.AppendData([(byte)'C', (byte)level]);
        hash.AppendData(bytes);
        return hash.GetHashAndReset();
    }

    /// <summary>
    /// The identity of <paramref name="source"/> as <c>statx</c> gives it, taken now (before the
    /// file is read), or null when it cannot be trusted: not Linux, no statx, an untrusted source,
    /// a size other than <paramref name="size"/>, or times inside the racy window.
    /// </summary>
    public FileIdentity? Identify(string source, long size)
    {
        if (!OperatingSystem.IsLinux() || _untrusted(source))
        {
            return null;
        }

        StatxInfo? stat;
        try
        {
            stat = StatxInfo.TryGet(source, followLinks: true);
        }
        catch (IOException)
        {
            return null; // gone or unreadable: nothing to trust, the data is read and keyed by content
        }

        if (stat is not { } s || s.Size != size || !s.IsRegularFile)
        {
            return null;
        }

        var newest = Math.Max(s.MtimeSeconds, s.CtimeSeconds);
        if (DateTimeOffset.FromUnixTimeSeconds(newest).UtcDateTime >= _started - RacyWindow - TimeSpan.FromSeconds(1))
        {
            return null; // seconds rounded down: one more second of margin
        }

        var text = $"{source}\0{s.DeviceMajor}:{s.DeviceMinor}:{s.Inode}|{s.Size}|{s.MtimeSeconds}.{s.MtimeNanoseconds}|{s.CtimeSeconds}.{s.CtimeNanoseconds}|{s.Mode}";
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(_prefix);
        hash.AppendData("F"u8);
        hash.AppendData(Encoding.UTF8.GetBytes(text));
        return new FileIdentity(hash.GetHashAndReset());
    }

    /// <summary>The key of chunk <paramref name="index"/> of a file's data at <paramref name="level"/>.</summary>
    public static byte[] ChunkKey(FileIdentity file, CompressionLevel level, long index)
    {
        Span<byte> input = stackalloc byte[32 + 1 + 1 + 8];
        file.Key.CopyTo(input);
        input[32] = (byte)'K';
        input[33] = (byte)level;
        BinaryPrimitives.WriteInt64LittleEndian(input[34..], index);
        return SHA256.HashData(input);
    }

    /// <summary>The shortest gzip member: a 10-byte header, an empty deflate block, an 8-byte trailer.</summary>
    internal const int MinimumMemberLength = 20;

    /// <summary>
    /// The member indexed under <paramref name="key"/> in a previous output proven unchanged, once
    /// its place there is checked (<see cref="MemberIndex.TryFind"/>); null when there is none or
    /// the check fails (then counted as dropped). Counted as reused: the caller copies it.
    /// </summary>
    public PreviousMember? TryFindPrevious(byte[] key, int uncompressedLength)
    {
        var found = _members.TryFind(key, uncompressedLength, out var listed);
        if (found is not null)
        {
            Interlocked.Increment(ref _reused);
        }
        else if (listed)
        {
            Interlocked.Increment(ref _dropped); // the index pointed at bytes that are not that member: recompressed
        }

        return found;
    }

    /// <summary>
    /// Throws OCIB3004 when a previous output members were copied from was written to or replaced
    /// since it was opened (<see cref="MemberIndex.EnsureUnchanged"/>). The gzip stream calls it
    /// once every member is in the new output.
    /// </summary>
    public void EnsurePreviousUnchanged() => _members.EnsureUnchanged();

    /// <summary>
    /// Reads the member stored under <paramref name="key"/> in an entry of its own
    /// (<c>&lt;key&gt;.gzm</c>) into <paramref name="buffer"/> and returns its length, or -1 when
    /// there is none or it fails a check (then it is deleted).
    /// </summary>
    public int TryLoad(byte[] key, int uncompressedLength, byte[] buffer)
    {
        var name = Name(key, MemberSuffix);
        var length = TryRead(name, key, uncompressedLength, buffer);
        if (length >= 0 && !LooksLikeMember(buffer.AsSpan(0, length), uncompressedLength))
        {
            Drop(name);
            length = -1;
        }

        if (length >= 0)
        {
            Interlocked.Increment(ref _reused);
        }

        return length;
    }

    /// <summary>Counts a member compressed that goes into an indexed output instead of a file of its own (<see cref="Record"/>).</summary>
    public void CountCompressed() => Interlocked.Increment(ref _compressed);

    /// <summary>
    /// Notes that the member of <paramref name="uncompressedLength"/> bytes whose gzip trailer holds
    /// the CRC-32 <paramref name="crc"/> was written at <paramref name="offset"/> (<paramref name="length"/>
    /// bytes) of the file <paramref name="output"/> that a build is staging, standing for each of
    /// <paramref name="keys"/>. Once the file is committed (<see cref="OutputsCommitted"/>), the
    /// next build copies it from there instead of compressing it: the cache keeps no second copy.
    /// </summary>
    public void Record(string output, IEnumerable<byte[]> keys, long offset, int length, long uncompressedLength, uint crc) =>
        _members.Record(output, keys, offset, length, uncompressedLength, crc);

    /// <summary>
    /// The outputs this build moved into place: <paramref name="staged"/> (where they were
    /// written) and <paramref name="committed"/> (where they are now, with their SHA-256 and size),
    /// matched by kind. <see cref="Trim"/> writes the index of their members.
    /// </summary>
    public void OutputsCommitted(IEnumerable<(string Staged, string Path, string Sha256, long Size)> outputs) => _members.Committed(outputs);

    /// <summary>Stores a member just compressed (best effort: a cache that cannot be written only costs time).</summary>
    public void Store(byte[] key, int uncompressedLength, ReadOnlySpan<byte> member, bool counted = true)
    {
        if (counted)
        {
            Interlocked.Increment(ref _compressed);
        }

        Write(Name(key, MemberSuffix), key, uncompressedLength, member);
    }

    /// <summary>The SBOM digests of a file read by an earlier build (from <see cref="DigestIndexName"/>), or null.</summary>
    public ContentDigests.FileDigest? TryLoadDigest(FileIdentity file) => _digests.TryLoad(file);

    /// <summary>Remembers the digests of a file just read, for <see cref="Trim"/> to write into the index.</summary>
    public void StoreDigest(FileIdentity file, ContentDigests.FileDigest digest) => _digests.Store(file, digest);

    /// <summary>
    /// The key of a group of small entries held in <paramref name="block"/>, where the data of some
    /// files (<paramref name="files"/>, in offset order, inside the block) stands by its file
    /// identity instead of its bytes: the bytes outside those ranges, then each range's offset,
    /// length and identity. The ranges are fixed, so no other bytes can give the same key; the
    /// identities name the files' bytes as <see cref="Identify"/> argues.
    /// </summary>
    public byte[] GroupKey(CompressionLevel level, ReadOnlySpan<byte> block, IReadOnlyList<FileData> files)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(_prefix);
        hash.AppendData([(byte)'G', (byte)level]);
        Span<byte> number = stackalloc byte[8];
        BinaryPrimitives.WriteInt32LittleEndian(number, block.Length);
        BinaryPrimitives.WriteInt32LittleEndian(number[4..], files.Count);
        hash.AppendData(number);
        var at = 0;
        foreach (var file in files)
        {
            if (file.Offset < at || file.Offset + file.Length > block.Length)
            {
                throw new ArgumentException("File ranges must be in order, apart, and inside the block.", nameof(files));
            }

            hash.AppendData(block[at..file.Offset]);
            at = file.Offset + file.Length;
        }

        hash.AppendData(block[at..]);
        foreach (var file in files)
        {
            BinaryPrimitives.WriteInt32LittleEndian(number, file.Offset);
            BinaryPrimitives.WriteInt32LittleEndian(number[4..], file.Length);
            hash.AppendData(number);
            hash.AppendData(file.Identity.Key);
        }

        return hash.GetHashAndReset();
    }

    /// <summary>
    /// Deletes the entries this build did not use, except those written after it started (by a
    /// build running beside it), and temporary files left by a build that died. Keeps the cache
    /// at about the size of the last output. Best effort.
    /// </summary>
    public void Trim()
    {
        _digests.Write();
        _members.Write();
        Dispose();
        try
        {
            foreach (var file in new DirectoryInfo(Folder).EnumerateFiles())
            {
                // .dig: one entry a file, as builds before the index wrote them
                var unused = (file.Name.EndsWith(MemberSuffix, StringComparison.Ordinal) || file.Name.EndsWith(DigestSuffix, StringComparison.Ordinal))
                    && !_used.ContainsKey(file.Name) && file.LastWriteTimeUtc < _started;
                var stale = file.Name.EndsWith(".tmp", StringComparison.Ordinal) && file.LastWriteTimeUtc < _started - TimeSpan.FromHours(1);
                if (unused || stale)
                {
                    Drop(file.FullName, counted: false);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // another build removed the folder: nothing to trim
        }
    }

    /// <summary>Closes the previous outputs (read only while the new ones are written, before the commit renames them aside).</summary>
    public void Dispose() => _members.Dispose();

    private string Name(byte[] key, string suffix)
    {
        var name = Convert.ToHexString(key).ToLowerInvariant() + suffix;
        _used.TryAdd(name, 0);
        return Path.Combine(Folder, name);
    }

    private int TryRead(string path, byte[] key, long uncompressedLength, byte[] buffer)
    {
        byte[] header = new byte[HeaderLength];
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
            var total = file.Length;
            if (total < HeaderLength || total - HeaderLength > buffer.Length)
            {
                Drop(path);
                return -1;
            }

            var length = (int)(total - HeaderLength);
            file.ReadExactly(header);
            file.ReadExactly(buffer, 0, length);
            if (!header.AsSpan(0, 8).SequenceEqual(Magic)
                || !header.AsSpan(8, 32).SequenceEqual(key)
                || BinaryPrimitives.ReadInt64LittleEndian(header.AsSpan(40)) != uncompressedLength
                || BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(48)) != length
                || !header.AsSpan(52, 32).SequenceEqual(SHA256.HashData(buffer.AsSpan(0, length))))
            {
                Drop(path);
                return -1;
            }

            return length;
        }
        catch (FileNotFoundException)
        {
            return -1;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return -1; // gone while read (a concurrent trim), or unreadable: compress instead
        }
    }

    private void Write(string path, byte[] key, long uncompressedLength, ReadOnlySpan<byte> payload)
    {
        var temporary = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        try
        {
            Span<byte> header = stackalloc byte[HeaderLength];
            Magic.CopyTo(header);
            key.CopyTo(header[8..]);
            BinaryPrimitives.WriteInt64LittleEndian(header[40..], uncompressedLength);
            BinaryPrimitives.WriteInt32LittleEndian(header[48..], payload.Length);
            SHA256.HashData(payload, header[52..]);
            using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0))
            {
                file.Write(header);
                file.Write(payload);
            }

            // rename(2) replaces atomically: a reader sees the old entry or the new one, never half of one.
            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            try
            {
                File.Delete(temporary);
            }
            catch (Exception again) when (again is IOException or UnauthorizedAccessException)
            {
                // left for Trim to remove an hour from now
            }
        }
    }

    private void Drop(string path, bool counted = true)
    {
        if (counted)
        {
            Interlocked.Increment(ref _dropped);
        }

        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // a later build tries again
        }
    }

    /// <summary>A gzip member (RFC 1952) with no optional fields, whose trailer says <paramref name="uncompressedLength"/>.</summary>
    internal static bool LooksLikeMember(ReadOnlySpan<byte> member, int uncompressedLength) =>
        member.Length >= MinimumMemberLength && member[0] == 0x1f && member[1] == 0x8b && member[2] == 8
        && BinaryPrimitives.ReadUInt32LittleEndian(member[^4..]) == (uint)uncompressedLength;
}

/// <summary>A file's identity from stat, hashed (see <see cref="MemberCache.Identify"/>).</summary>
public sealed record FileIdentity(byte[] Key);

/// <summary>The data of one file at <paramref name="Offset"/> in a group of small entries, standing by its identity (see <see cref="MemberCache.GroupKey"/>).</summary>
public readonly record struct FileData(int Offset, int Length, FileIdentity Identity);

/// <summary>Reads a file's bytes into their place in a group that must be compressed (see <see cref="ParallelGzipStream.BeginFileData"/>).</summary>
public delegate void FileDataFill(Span<byte> destination);
