using System.Security.Cryptography;
using OciBundle.Diagnostics;

namespace OciBundle.Images.Sources;

/// <summary>
/// Reads a blob and checks it against its descriptor as it goes: more bytes than the descriptor
/// says fail at once (OCIB3105), and at the end the size and the SHA-256 must match (OCIB3105,
/// OCIB3104). A reader that stops early checks nothing, so callers read to the end
/// (<see cref="ReadToEnd"/>) before they trust what they read.
/// </summary>
internal sealed class VerifiedBlobStream(Stream inner, Descriptor descriptor, ImageReference reference, string role) : Rootfs.ReadOnlyStream
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private long _read;
    private bool _verified;

    public override long Length => descriptor.Size;

    public override long Position { get => _read; set => throw new NotSupportedException(); }

    public override int Read(Span<byte> buffer)
    {
        if (_verified || buffer.Length == 0)
        {
            return 0;
        }

        // Ask for one byte past the declared size at most: enough to see that there are more.
        var wanted = (int)Math.Min(buffer.Length, descriptor.Size - _read + 1);
        var n = inner.Read(buffer[..wanted]);
        if (n == 0)
        {
            Verify();
            return 0;
        }

        _read += n;
        if (_read > descriptor.Size)
        {
            throw ImageErrors.Error(reference, Messages.ImageBlobSizeMismatch, descriptor.Digest, role, "more than " + descriptor.Size, descriptor.Size);
        }

        _hash.AppendData(buffer[..n]);
        return n;
    }

    /// <summary>Reads what is left and checks the blob.</summary>
    public void ReadToEnd()
    {
        var buffer = new byte[1 << 16];
        while (Read(buffer) > 0)
        {
        }
    }

    private void Verify()
    {
        if (_read != descriptor.Size)
        {
            throw ImageErrors.Error(reference, Messages.ImageBlobSizeMismatch, descriptor.Digest, role, _read, descriptor.Size);
        }

        var actual = "sha256:" + Convert.ToHexString(_hash.GetCurrentHash()).ToLowerInvariant();
        if (actual != descriptor.Digest)
        {
            throw ImageErrors.Error(reference, Messages.ImageBlobDigestMismatch, descriptor.Digest, role, actual);
        }

        _verified = true;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
            _hash.Dispose();
        }

        base.Dispose(disposing);
    }
}
