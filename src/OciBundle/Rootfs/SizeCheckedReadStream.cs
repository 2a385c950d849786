using OciBundle.Diagnostics;

namespace OciBundle.Rootfs;

/// <summary>
/// Reads exactly <see cref="Length"/> bytes of a file, or throws OCIB3004 when the file holds
/// fewer or more. The tar header's size is written before the data, so a file that grew or
/// shrank since it was listed would otherwise give a corrupt archive. Seekable on purpose: for an
/// unseekable data stream the BCL TarWriter buffers the whole file in memory.
/// </summary>
internal sealed class SizeCheckedReadStream(FileStream inner, long expectedLength, string origin) : ReadOnlyStream
{
    private long _position;

    /// <summary>
    /// Hashes the bytes as they are read (for the bill of materials); dropped by any seek that is
    /// not to the current position, so a digest is only ever of one sequential pass.
    /// </summary>
    internal ContentDigests.Hasher? Hasher { get; set; }

    public override bool CanSeek => true;

    public override long Length => expectedLength;

    public override long Position
    {
        get => _position;
        set => Seek(value, SeekOrigin.Begin);
    }

    public override int Read(Span<byte> buffer)
    {
        var wanted = (int)Math.Min(buffer.Length, expectedLength - _position);
        if (wanted <= 0)
        {
            return 0;
        }

        int read;
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            read = inner.Read(buffer[..wanted]);
            BuildTimings.Current?.Add(BuildTimings.Part.Read, started);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Unreadable(e);
        }

        if (read == 0)
        {
            throw Changed(_position);
        }

        Hasher?.Append(buffer[..read]);
        _position += read;
        return read;
    }

    /// <summary>Throws OCIB3004 unless every expected byte was read and the file holds no more.</summary>
    public void EnsureReadToEnd()
    {
        if (_position != expectedLength)
        {
            throw Changed(_position);
        }

        if (Guard(inner.ReadByte) >= 0)
        {
            throw Changed(Guard(() => inner.Length));
        }
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        var target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => expectedLength + offset,
        };
        if (target != _position)
        {
            Hasher = null;
        }

        inner.Seek(target, SeekOrigin.Begin);
        _position = target;
        return target;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private T Guard<T>(Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Unreadable(e);
        }
    }

    private OciBundleException Unreadable(Exception e) =>
        new(Diagnostic.Error(Messages.UnreadableInput, null, origin, inner.Name, e.Message), e);

    private OciBundleException Changed(long actual) => new(Diagnostic.Error(
        Messages.UnreadableInput, null, origin, inner.Name,
        $"it changed while the rootfs was written ({expectedLength} bytes when listed, {actual} bytes now); stop whatever writes to it and build again"));
}
