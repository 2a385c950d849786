using System.Collections.Concurrent;
using System.Text;

namespace OciBundle.Rootfs;

/// <summary>
/// The SBOM digests of the files earlier builds read, by <c>statx</c> identity
/// (<see cref="MemberCache.Identify"/>): one file, <see cref="MemberCache.DigestIndexName"/>, read
/// once, at the first lookup. A header, one line a file ("identity sha256 sha1", hex), and a last
/// line with the SHA-256 of all before it (<see cref="ChecksummedIndex"/>). Anything else
/// (truncated, edited, another version) is dropped whole: the files are then read and hashed
/// again. Identities already hold the runtime and SDK, so an entry can only be found for the file
/// it names.
/// </summary>
internal sealed class DigestIndex
{
    private const string Header = "oci-bundle-digests 1";

    private readonly string _path;
    private readonly Action<string> _drop;
    private readonly Lazy<Dictionary<string, ContentDigests.FileDigest>> _read;
    private readonly ConcurrentDictionary<string, ContentDigests.FileDigest> _used = new(StringComparer.Ordinal);

    /// <param name="drop">Deletes a damaged index and counts it (the cache's OCIB5013 figures).</param>
    public DigestIndex(string folder, Action<string> drop)
    {
        _path = Path.Combine(folder, MemberCache.DigestIndexName);
        _drop = drop;
        _read = new Lazy<Dictionary<string, ContentDigests.FileDigest>>(Read);
    }

    /// <summary>The digests of the file whose identity is <paramref name="file"/>, as an earlier build hashed them, or null.</summary>
    public ContentDigests.FileDigest? TryLoad(FileIdentity file)
    {
        var name = Convert.ToHexString(file.Key);
        if (!_read.Value.TryGetValue(name, out var digest))
        {
            return null;
        }

        _used.TryAdd(name, digest);
        return digest;
    }

    /// <summary>Remembers the digests of a file just read, for <see cref="Write"/>.</summary>
    public void Store(FileIdentity file, ContentDigests.FileDigest digest) => _used[Convert.ToHexString(file.Key)] = digest;

    /// <summary>Writes the digests this build used or read as the new index (temporary name, then rename: whole or not at all). Best effort.</summary>
    public void Write()
    {
        if (_used.IsEmpty && !File.Exists(_path))
        {
            return;
        }

        var text = new StringBuilder();
        foreach (var (identity, digest) in _used.OrderBy(d => d.Key, StringComparer.Ordinal))
        {
            text.Append(identity).Append(' ').Append(digest.Sha256).Append(' ').Append(digest.Sha1).Append('\n');
        }

        ChecksummedIndex.Write(_path, Header, text.ToString());
    }

    private Dictionary<string, ContentDigests.FileDigest> Read()
    {
        var result = new Dictionary<string, ContentDigests.FileDigest>(StringComparer.Ordinal);
        var rows = ChecksummedIndex.Read(_path, Header, out var damaged);
        if (rows is null)
        {
            if (damaged)
            {
                _drop(_path);
            }

            return result; // none yet, gone or dropped: every file is read
        }

        foreach (var line in rows)
        {
            if (line.Split(' ') is [{ Length: 64 } identity, { Length: 64 } sha256, { Length: 40 } sha1])
            {
                result[identity] = new ContentDigests.FileDigest(sha256, sha1);
            }
        }

        return result;
    }
}
