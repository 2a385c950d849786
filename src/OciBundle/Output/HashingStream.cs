using System.Security.Cryptography;
using OciBundle.Rootfs;

namespace OciBundle.Output;

/// <summary>
/// A write-only pass-through that hashes what it writes, so a file's digest costs no second read.
/// The inner stream stays open; the digest stays readable after disposal.
/// </summary>
internal sealed class HashingStream(Stream inner) : WriteOnlyStream
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    public long BytesWritten { get; private set; }

    public override long Length => BytesWritten;

    public override long Position { get => BytesWritten; set => throw new NotSupportedException(); }

    /// <summary>Lower-case hex SHA-256 of everything written so far.</summary>
    public string HexDigest() => _finalDigest ?? Convert.ToHexString(_hash.GetCurrentHash()).ToLowerInvariant();

    private string? _finalDigest;

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        _hash.AppendData(buffer);
        inner.Write(buffer);
        BytesWritten += buffer.Length;
    }

    public override void Flush() => inner.Flush();

    protected override void Dispose(bool disposing)
    {
        if (disposing && _finalDigest is null)
        {
            _finalDigest = HexDigest();
            _hash.Dispose();
        }

        base.Dispose(disposing);
    }
}
