using System.Diagnostics;
using OciBundle.Diagnostics;

namespace OciBundle.Output;

/// <summary>
/// A write-only pass-through that adds the time spent in each write to one part of the build's
/// <see cref="BuildTimings"/> (OCIB5017), such as the writer's time inside the compressor.
/// </summary>
internal sealed class TimedStream(Stream inner, BuildTimings.Part part, bool leaveOpen) : Stream
{
    private readonly BuildTimings? _timings = BuildTimings.Current;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => inner.Length;

    public override long Position { get => inner.Position; set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        var started = Stopwatch.GetTimestamp();
        inner.Write(buffer);
        _timings?.Add(part, started);
    }

    public override void WriteByte(byte value) => Write([value]);

    public override void Flush() => inner.Flush();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && !leaveOpen)
        {
            var started = Stopwatch.GetTimestamp();
            inner.Dispose(); // a compressor's last blocks
            _timings?.Add(part, started);
        }

        base.Dispose(disposing);
    }
}
