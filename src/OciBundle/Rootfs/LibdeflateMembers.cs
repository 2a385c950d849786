using System.Buffers.Binary;
using System.IO.Compression;
using OciBundle.Platform.Interop;

namespace OciBundle.Rootfs;

/// <summary>
/// Whole gzip members through <see cref="Libdeflate"/>, for <see cref="ParallelGzipStream"/>'s
/// blocks: the header <see cref="ReproducibleGzip"/> writes (mtime 0, OS 3), raw DEFLATE, then the
/// CRC-32 and length. One compressor per worker at a time, kept for the next block and freed with
/// the stream. The levels were chosen like <see cref="ZlibLevels"/>'s, by measurement against pigz
/// at the same size (docs/performance.md, "libdeflate"): <c>Optimal</c> is 2 (1.03× of pigz -6's
/// size, within the 1.05× bound, smaller than zlib-ng's level 4 for less CPU; level 1 is 1.08×),
/// <c>Fastest</c> 1 (smaller than pigz -1 for about half its CPU), <c>SmallestSize</c> 9 (smaller
/// than pigz -6; levels 10 to 12 cost four to five times as much for 2% less).
/// </summary>
internal sealed class LibdeflateMembers : IDisposable
{
    public const int OptimalLevel = 2;
    public const int FastestLevel = 1;
    public const int SmallestSizeLevel = 9;

    private const int HeaderLength = 10;
    private const int TrailerLength = 8;

    private readonly Libdeflate _library;
    private readonly int _level;
    private readonly Stack<nint> _idle = new();
    private bool _disposed;

    private LibdeflateMembers(Libdeflate library, int level)
    {
        _library = library;
        _level = level;
    }

    /// <summary>Members at <paramref name="level"/> where libdeflate is carried and loads; null where the runtime's zlib compresses instead.</summary>
    public static LibdeflateMembers? For(CompressionLevel level) =>
        Libdeflate.Shared is { } loaded && Numeric(level) is { } numeric ? new LibdeflateMembers(loaded, numeric) : null;

    /// <summary>What compresses members at <paramref name="level"/> on this machine (the choice <see cref="For"/> makes), as OCIB5013 names it.</summary>
    public static string CompressorName(CompressionLevel level) => Libdeflate.Shared is not null && Numeric(level) is not null ? "libdeflate" : "the runtime's zlib";

    /// <summary>What compresses members on this machine, for keys that must change with the bytes (the member cache).</summary>
    public static string Compressor => Libdeflate.Shared?.Identity ?? "zlib";

    /// <summary>The libdeflate level for <paramref name="level"/>; null for <c>NoCompression</c>, which the runtime's stored blocks serve.</summary>
    public static int? Numeric(CompressionLevel level) => level switch
    {
        CompressionLevel.Optimal => OptimalLevel,
        CompressionLevel.Fastest => FastestLevel,
        CompressionLevel.SmallestSize => SmallestSizeLevel,
        _ => null,
    };

    /// <summary>Writes <paramref name="input"/> as one gzip member into <paramref name="output"/>; its length. Safe from several threads at once.</summary>
    public int Compress(ReadOnlySpan<byte> input, Span<byte> output)
    {
        var compressor = Rent();
        try
        {
            var deflated = _library.DeflateCompress(compressor, input, output[HeaderLength..^TrailerLength]);
            if (deflated == 0)
            {
                throw new InvalidOperationException($"A compressed block of {input.Length} bytes did not fit in {output.Length} bytes.");
            }

            // XFL as zlib sets it: 4 for the fastest level, 2 for the slowest ones, else 0.
            byte extraFlags = _level < 2 ? (byte)4 : _level >= 8 ? (byte)2 : (byte)0;
            ReadOnlySpan<byte> header = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, extraFlags, ReproducibleGzip.UnixOperatingSystem];
            header.CopyTo(output);
            var trailer = output.Slice(HeaderLength + deflated, TrailerLength);
            BinaryPrimitives.WriteUInt32LittleEndian(trailer, _library.Crc32(input));
            BinaryPrimitives.WriteInt32LittleEndian(trailer[4..], input.Length);
            return HeaderLength + deflated + TrailerLength;
        }
        finally
        {
            Return(compressor);
        }
    }

    public void Dispose()
    {
        lock (_idle)
        {
            _disposed = true;
            while (_idle.TryPop(out var compressor))
            {
                _library.FreeCompressor(compressor);
            }
        }
    }

    private nint Rent()
    {
        lock (_idle)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_idle.TryPop(out var compressor))
            {
                return compressor;
            }
        }

        return _library.AllocCompressor(_level);
    }

    private void Return(nint compressor)
    {
        lock (_idle)
        {
            // A worker that finishes after the stream was disposed (an error unwound it) frees its own.
            if (!_disposed)
            {
                _idle.Push(compressor);
                return;
            }
        }

        _library.FreeCompressor(compressor);
    }
}
