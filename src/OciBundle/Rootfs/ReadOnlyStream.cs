namespace OciBundle.Rootfs;

/// <summary>
/// The shape every read-only wrapper of ours shares (a bounded slice, a hashing reader, a blob
/// checked against its descriptor, a file checked against its listed size): it reads, writes
/// nothing, and by default neither seeks nor knows its length. A subclass writes only
/// <see cref="Read(Span{byte})"/> and what it knows beyond that, so each wrapper says only what
/// makes it different.
/// </summary>
internal abstract class ReadOnlyStream : Stream
{
    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    /// <summary>Every read (the array overload, ReadByte, the async defaults) comes here.</summary>
    public abstract override int Read(Span<byte> buffer);

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
