using System.Security.Cryptography;
using OciBundle.Diagnostics;

namespace OciBundle.Rootfs;

/// <summary>
/// SHA-256 and SHA-1 of the rootfs's regular files, taken while the tarball writer reads them, so
/// the software bill of materials costs no second read of the tree. Files the writer did not read
/// (hard links after the first, empty placeholders, a directory-format rootfs) are hashed on demand.
/// </summary>
public sealed class ContentDigests
{
    private readonly Dictionary<string, FileDigest> _byPath = new(StringComparer.Ordinal);

    /// <summary>Lower-case hex digests of one file's content.</summary>
    public sealed record FileDigest(string Sha256, string Sha1);

    /// <summary>The digests of the empty file (placeholders such as bind-mount targets).</summary>
    public static readonly FileDigest Empty = new(Hex(SHA256.HashData([])), Hex(SHA1.HashData([])));

    internal void Record(string path, FileDigest digest) => _byPath[path] = digest;

    /// <summary>The digests of <paramref name="entry"/>'s content: recorded when written, else read now.</summary>
    public FileDigest For(RootfsEntry entry)
    {
        if (_byPath.TryGetValue(entry.Path, out var known))
        {
            return known;
        }

        if (entry.SourcePath is null && entry.Size == 0)
        {
            return Empty;
        }

        var source = entry.SourcePath ?? throw new ArgumentException($"The file '{entry.Path}' has no SourcePath.", nameof(entry));
        using var data = SourceFile.OpenChecked(source, entry);
        var hasher = new Hasher();
        var buffer = new byte[1 << 16];
        int read;
        while ((read = data.Read(buffer)) > 0)
        {
            hasher.Append(buffer.AsSpan(0, read));
        }

        data.EnsureReadToEnd();
        var digest = hasher.Finish();
        _byPath[entry.Path] = digest;
        return digest;
    }

    internal static string Hex(byte[] digest) => Convert.ToHexString(digest).ToLowerInvariant();

    /// <summary>Both hashes over one pass of the bytes.</summary>
    internal sealed class Hasher
    {
        private readonly IncrementalHash _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private readonly IncrementalHash _sha1 = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);

        public void Append(ReadOnlySpan<byte> bytes)
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            _sha256.AppendData(bytes);
            _sha1.AppendData(bytes);
            BuildTimings.Current?.Add(BuildTimings.Part.ContentHash, started);
        }

        public FileDigest Finish()
        {
            var result = new FileDigest(Hex(_sha256.GetHashAndReset()), Hex(_sha1.GetHashAndReset()));
            _sha256.Dispose();
            _sha1.Dispose();
            return result;
        }
    }
}
