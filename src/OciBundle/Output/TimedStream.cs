using System.Diagnostics;
using OciBundle.Diagnostics;
using OciBundle.Rootfs;

namespace OciBundle.Output;

/// <summary>
/// A write-only pass-through that adds the time spent in each write to one part of the build's
/// <see cref="BuildTimings"/> (OCIB5017), such as the writer's time inside the compressor.
/// </summary>
internal sealed class TimedStream(Stream inner, BuildTimings.Part part, bool leaveOpen) : WriteOnlyStream
{
    private readonly BuildTimings? _timings = BuildTimings.Current;

    public override long Length => inner.Length;

    public override long Position { get => inner.Position; set => throw new NotSupportedException(); }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        var started = Stopwatch.GetTimestamp();
        inner.Write(buffer);
        _timings?.Add(part, started);
    }

    public override void Flush() => inner.Flush();

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
