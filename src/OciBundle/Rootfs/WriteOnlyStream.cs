namespace OciBundle.Rootfs;

/// <summary>
/// The shape every write-only pass-through of ours shares (a hashing writer, a timed writer, the
/// gzip header patch): it writes, reads nothing and never seeks. A subclass writes only
/// <see cref="Write(ReadOnlySpan{byte})"/> and what it knows beyond that, the mirror of
/// <see cref="ReadOnlyStream"/>.
/// </summary>
internal abstract class WriteOnlyStream : Stream
{
    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    /// <summary>Every write (the array overload, WriteByte, the async defaults) comes here.</summary>
    public abstract override void Write(ReadOnlySpan<byte> buffer);

    public override void WriteByte(byte value) => Write([value]);

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
