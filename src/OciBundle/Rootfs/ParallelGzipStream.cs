using System.Collections.Concurrent;
using System.IO.Compression;

namespace OciBundle.Rootfs;

/// <summary>
/// gzip on several cores with bytes that do not depend on how many. The uncompressed stream is
/// cut every <see cref="BlockSize"/> bytes, a constant, whatever the writes' sizes; each block
/// becomes a complete gzip member of its own (<see cref="ReproducibleGzip"/>: mtime 0, OS 3) and
/// the members are written in input order. RFC 1952 readers (gzip, tar -z, .NET's GZipStream,
/// Python) read all members of a file as one stream. Blocks are compressed on at most
/// <c>workers</c> threads, and at most <c>2 × workers + 2</c> blocks are in flight, so memory stays
/// flat however large the input is. <see cref="Flush"/> does not cut a block: it would make the
/// output depend on who flushes when.
/// </summary>
public sealed class ParallelGzipStream : Stream
{
    /// <summary>
    /// 1 MiB: each member starts with an empty dictionary, which costs about 0.1% of size against
    /// one stream at this size (measured; 4 MiB saves under 0.1% more). Never derived from the
    /// machine: changing it changes every archive's bytes.
    /// </summary>
    public const int BlockSize = 1 << 20;

    /// <summary>Beyond 16 threads the in-flight buffers (2.25 MiB a block) would outgrow the memory budget.</summary>
    public const int MaxDefaultWorkers = 16;

    /// <summary>Room for a compressed block: deflate can grow incompressible data by up to 1/8 (zlib-ng's quick level) plus block headers and the gzip header and trailer; a quarter leaves room to spare.</summary>
    private const int MemberCapacity = BlockSize + (BlockSize / 4);

    /// <summary>The gzip member of no data: the fixed header, an empty final deflate block, CRC 0, length 0.</summary>
    private static ReadOnlySpan<byte> EmptyMember => [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, ReproducibleGzip.UnixOperatingSystem, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0];

    private readonly Stream _output;
    private readonly CompressionLevel _level;
    private readonly bool _leaveOpen;
    private readonly TaskScheduler _scheduler;
    private readonly int _maxInFlight;
    private readonly Queue<Task<Member>> _inFlight = new();
    private readonly ConcurrentStack<byte[]> _freeBlocks = new();
    private readonly ConcurrentStack<byte[]> _freeMembers = new();
    private byte[] _block;
    private int _filled;
    private long _written;
    private bool _anyMember;
    private bool _disposed;

    /// <param name="output">Where the members go, in order; written from the thread that writes this stream.</param>
    /// <param name="workers">Compression threads; 0 means one per processor (at most <see cref="MaxDefaultWorkers"/>). Changes speed and memory, never the bytes.</param>
    public ParallelGzipStream(Stream output, CompressionLevel level, int workers = 0, bool leaveOpen = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(workers);
        _output = output;
        _level = level;
        _leaveOpen = leaveOpen;
        var threads = workers > 0 ? workers : Math.Min(Environment.ProcessorCount, MaxDefaultWorkers);
        _scheduler = new ConcurrentExclusiveSchedulerPair(TaskScheduler.Default, threads).ConcurrentScheduler;
        // Two blocks a worker: each has the next one queued while the writer waits on the oldest, so
        // a worker (or the writer) that the OS schedules late does not stall the others.
        _maxInFlight = (2 * threads) + 2;
        _block = RentBlock();
    }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => !_disposed;

    public override long Length => throw new NotSupportedException();

    /// <summary>Uncompressed bytes written so far.</summary>
    public override long Position
    {
        get => _written;
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        while (!buffer.IsEmpty)
        {
            var take = Math.Min(buffer.Length, BlockSize - _filled);
            buffer[..take].CopyTo(_block.AsSpan(_filled));
            _filled += take;
            _written += take;
            buffer = buffer[take..];
            if (_filled == BlockSize)
            {
                Submit();
            }
        }
    }

    public override void WriteByte(byte value) => Write([value]);

    /// <summary>Flushes the output only; see the class remarks for why no block is cut.</summary>
    public override void Flush() => _output.Flush();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            try
            {
                if (_filled > 0)
                {
                    Submit(); // the last, short block
                }

                while (_inFlight.Count > 0)
                {
                    WriteOldest();
                }

                if (!_anyMember)
                {
                    _output.Write(EmptyMember); // the BCL writes nothing at all for empty input; gzip needs one member
                }
            }
            finally
            {
                _disposed = true;
                if (!_leaveOpen)
                {
                    _output.Dispose();
                }
            }
        }

        base.Dispose(disposing);
    }

    private void Submit()
    {
        var (block, length, level) = (_block, _filled, _level);
        _inFlight.Enqueue(Task.Factory.StartNew(() => Compress(block, length, level), CancellationToken.None, TaskCreationOptions.None, _scheduler));
        _anyMember = true;
        _block = RentBlock();
        _filled = 0;

        // Write out what is done, and wait for the oldest only when the queue is full: the bound
        // keeps memory flat, the early writes keep the output streaming.
        while (_inFlight.Count >= _maxInFlight || (_inFlight.Count > 0 && _inFlight.Peek().IsCompleted))
        {
            WriteOldest();
        }
    }

    private void WriteOldest()
    {
        var member = _inFlight.Dequeue().GetAwaiter().GetResult(); // a compression failure surfaces here
        try
        {
            _output.Write(member.Buffer, 0, member.Length);
        }
        finally
        {
            _freeMembers.Push(member.Buffer);
        }
    }

    // Buffers are this stream's own, not ArrayPool.Shared's: at most _maxInFlight + 1 of each
    // ever exist, of exactly the size needed, and they go away with the stream instead of staying
    // in a process-wide pool (the MSBuild node lives on after the build).
    private byte[] RentBlock() => _freeBlocks.TryPop(out var block) ? block : GC.AllocateUninitializedArray<byte>(BlockSize);

    private byte[] RentMember() => _freeMembers.TryPop(out var member) ? member : GC.AllocateUninitializedArray<byte>(MemberCapacity);

    private Member Compress(byte[] block, int length, CompressionLevel level)
    {
        var buffer = RentMember();
        try
        {
            var memory = new MemoryStream(buffer, 0, buffer.Length, writable: true);
            using (var gzip = ReproducibleGzip.Create(memory, level, leaveOpen: true))
            {
                gzip.Write(block, 0, length);
            }

            return new Member(buffer, (int)memory.Position);
        }
        catch
        {
            _freeMembers.Push(buffer);
            throw;
        }
        finally
        {
            _freeBlocks.Push(block);
        }
    }

    private readonly record struct Member(byte[] Buffer, int Length);
}
