namespace OciBundle.Rootfs;

/// <summary>Passes writes through, replacing byte 9 of the stream (the gzip header's OS field).</summary>
internal sealed class GzipHeaderPatchingStream(Stream inner, bool leaveOpen) : WriteOnlyStream
{
    private const int OsByteOffset = 9;

    private long _written;

    public override long Position
    {
        get => _written;
        set => throw new NotSupportedException();
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (_written <= OsByteOffset && _written + buffer.Length > OsByteOffset)
        {
            // Rare (once per stream), so a copy of the first chunk is fine.
            var copy = buffer.ToArray();
            copy[OsByteOffset - _written] = ReproducibleGzip.UnixOperatingSystem;
            inner.Write(copy);
        }
        else
        {
            inner.Write(buffer);
        }

        _written += buffer.Length;
    }

    public override void Flush() => inner.Flush();

    protected override void Dispose(bool disposing)
    {
        if (disposing && !leaveOpen)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
