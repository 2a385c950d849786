namespace OciBundle.Rootfs;

/// <summary>
/// One file's data for the tar writer, read once from start to end. It is seekable with a known
/// length because the BCL's <c>TarWriter</c> streams a seekable data stream of known length
/// straight into the archive (it buffers any other kind whole), but it only ever "seeks" to where
/// it already is: the data is produced in order (from the file, or as zeros that stand for bytes
/// the gzip stream already has), so any other position is a bug, reported as such. A subclass
/// writes only <see cref="ReadNext"/>; the position, the end and the bookkeeping are here.
/// </summary>
internal abstract class InOrderDataStream(long length) : ReadOnlyStream
{
    private long _position;

    public override bool CanSeek => true;

    public override long Length => length;

    public override long Position
    {
        get => _position;
        set => Seek(value, SeekOrigin.Begin);
    }

    /// <summary>The source file, once a subclass opened it; disposed with this stream.</summary>
    protected SizeCheckedReadStream? File { get; set; }

    public sealed override int Read(Span<byte> buffer)
    {
        if (_position >= length || buffer.IsEmpty)
        {
            return 0;
        }

        var read = ReadNext(buffer[..(int)Math.Min(buffer.Length, length - _position)], _position);
        _position += read;
        return read;
    }

    public sealed override long Seek(long offset, SeekOrigin origin)
    {
        var target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => length + offset,
        };
        if (target != _position)
        {
            throw new NotSupportedException("The data of a file is read once, in order.");
        }

        return target;
    }

    /// <summary>Reads the next bytes at <paramref name="position"/> into <paramref name="buffer"/> (never past the end, never empty); returns how many.</summary>
    protected abstract int ReadNext(Span<byte> buffer, long position);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            File?.Dispose();
        }

        base.Dispose(disposing);
    }
}
