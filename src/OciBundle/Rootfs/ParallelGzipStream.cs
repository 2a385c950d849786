using System.Buffers.Binary;
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
/// <para>
/// A writer that knows the content's structure (<see cref="ReproducibleTarWriter"/>) cuts earlier
/// with <see cref="Cut"/> and <see cref="PlanMember"/>, so members follow tar entries and a
/// change in one file leaves the other members' bytes alone; with a <see cref="MemberCache"/>,
/// members whose bytes are provably the same as an earlier build's are copied from it instead of
/// compressed. Either way, the cut points depend only on the bytes and the writer's calls.
/// </para>
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
    private readonly MemberCache? _cache;
    private readonly string? _indexAs;
    private long _outputOffset;
    private readonly CompressionLevel _level;
    private readonly LibdeflateMembers? _libdeflate;
    private readonly bool _leaveOpen;
    private readonly TaskScheduler _scheduler;
    private readonly int _maxInFlight;
    private readonly Queue<Task<Member>> _inFlight = new();
    private readonly ConcurrentStack<byte[]> _freeBlocks = new();
    private readonly ConcurrentStack<byte[]> _freeMembers = new();
    private volatile bool _usedPrevious;
    private byte[] _block;
    private int _filled;
    private long _written;
    private bool _anyMember;
    private bool _disposed;

    // A planned member (PlanMember): how many of its bytes are still to come, and either the key to
    // store it under or the cached member standing for them (then the bytes written are dropped).
    private long _planRemaining;
    private int _planLength;
    private byte[]? _planKey;
    private Member? _planCached;

    // Files in the member being filled whose data stands by identity (BeginFileData); Fill is set
    // for those written as zeros, to be read only when the member is not in the cache.
    private readonly List<(FileData Data, FileDataFill? Fill)> _files = [];

    /// <param name="output">Where the members go, in order; written from the thread that writes this stream.</param>
    /// <param name="workers">Compression threads; 0 means one per processor (at most <see cref="MaxDefaultWorkers"/>). Changes speed and memory, never the bytes.</param>
    /// <param name="cache">Compressed members of earlier builds to reuse, and to store this build's in; never changes the bytes.</param>
    /// <param name="indexAs">
    /// The file <paramref name="output"/> writes from its start, when it is a build's output: its
    /// members are then indexed in <paramref name="cache"/> (key, offset, length) for the next
    /// build to copy from that file once committed, instead of being stored a second time in obj/.
    /// </param>
    public ParallelGzipStream(Stream output, CompressionLevel level, int workers = 0, bool leaveOpen = false, MemberCache? cache = null, string? indexAs = null)
        : this(output, level, workers, leaveOpen, cache, indexAs, LibdeflateMembers.For(level))
    {
    }

    /// <param name="libdeflate">What compresses the members; null for the runtime's zlib (where no libdeflate is carried, and in tests of that path).</param>
    internal ParallelGzipStream(Stream output, CompressionLevel level, int workers, bool leaveOpen, MemberCache? cache, string? indexAs, LibdeflateMembers? libdeflate)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(workers);
        _output = output;
        _cache = cache;
        _indexAs = cache is null ? null : indexAs;
        _level = level;
        _libdeflate = libdeflate;
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

    /// <summary>Bytes of the member being filled (not yet compressed).</summary>
    public int Pending => _filled;

    public MemberCache? Cache => _cache;

    public CompressionLevel Level => _level;

    /// <summary>Ends the current member here, when it holds any bytes.</summary>
    public void Cut()
    {
        if (_planRemaining > 0)
        {
            throw new InvalidOperationException("A planned member is still being written.");
        }

        if (_filled > 0)
        {
            Submit(null);
        }
    }

    /// <summary>
    /// Makes the next <paramref name="length"/> bytes (at most <see cref="BlockSize"/>) one member
    /// of their own: stored in the cache under <paramref name="key"/> when given, else under their
    /// content's key. Cuts the current member first.
    /// </summary>
    public void PlanMember(int length, byte[]? key) => Plan(length, key, null);

    /// <summary>
    /// Like <see cref="PlanMember"/>, when the cache holds a member under <paramref name="key"/>:
    /// the next <paramref name="length"/> bytes written are then dropped, and that member goes
    /// out in their place. The caller vouches that the key names exactly those bytes. Returns
    /// false (and plans nothing) when the cache has no sound member under the key.
    /// </summary>
    public bool TryPlanCachedMember(int length, byte[] key)
    {
        if (_cache is null || length <= 0 || Find(key, length, [key]) is not { } found)
        {
            return false;
        }

        Plan(length, key, found);
        return true;
    }

    /// <summary>
    /// The member stored under <paramref name="key"/> for <paramref name="length"/> bytes: in a
    /// previous output (not read here: copied into the output when written) or in an entry of its
    /// own (read into a buffer); null when neither has a sound one.
    /// </summary>
    private Member? Find(byte[] key, int length, byte[][] keys)
    {
        if (_cache!.TryFindPrevious(key, length) is { } previous)
        {
            _usedPrevious = true;
            return new Member(null, previous.Length, length, keys, previous.Crc, previous);
        }

        var buffer = RentMember();
        var found = _cache.TryLoad(key, length, buffer);
        if (found < 0)
        {
            _freeMembers.Push(buffer);
            return null;
        }

        return new Member(buffer, found, length, keys, TrailerCrc(buffer, found));
    }

    /// <summary>
    /// Says that the next <paramref name="length"/> bytes written are the whole data of one small
    /// file whose <paramref name="identity"/> names them (<see cref="MemberCache.Identify"/>), so the
    /// member holding them is keyed by that identity instead of their content
    /// (<see cref="MemberCache.GroupKey"/>). With <paramref name="fill"/>, the caller may write
    /// zeros instead of the bytes when this returns true: if the member is not in the cache,
    /// <paramref name="fill"/> is called to read the real bytes into place before it is compressed.
    /// Returns false (and the bytes must be the real ones) when the data would not fit in the member
    /// being filled or there is no cache; the data is then keyed by content as any other bytes.
    /// </summary>
    public bool BeginFileData(int length, FileIdentity identity, FileDataFill? fill)
    {
        if (_cache is null || _planRemaining > 0 || length <= 0 || _filled + length > BlockSize)
        {
            return false;
        }

        // On a first build nothing can be found: the bytes are read right away, as before.
        var deferred = fill is not null && !_cache.WasEmpty;
        _files.Add((new FileData(_filled, length, identity), deferred ? fill : null));
        return deferred;
    }

    private void Plan(int length, byte[]? key, Member? cached)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, BlockSize);
        Cut();
        if (length <= 0)
        {
            return;
        }

        (_planRemaining, _planLength, _planKey, _planCached) = (length, length, key, cached);
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        while (!buffer.IsEmpty && _planCached is { } cached)
        {
            // Bytes a cached member stands for: counted, not kept.
            var skip = (int)Math.Min(buffer.Length, _planRemaining);
            _written += skip;
            _planRemaining -= skip;
            buffer = buffer[skip..];
            if (_planRemaining == 0)
            {
                _planCached = null;
                _planKey = null;
                _inFlight.Enqueue(Task.FromResult(cached));
                _anyMember = true;
                DrainDone();
            }
        }

        while (!buffer.IsEmpty)
        {
            var room = _planRemaining > 0 ? (int)_planRemaining : BlockSize - _filled;
            var take = Math.Min(buffer.Length, room);
            buffer[..take].CopyTo(_block.AsSpan(_filled));
            _filled += take;
            _written += take;
            buffer = buffer[take..];
            if (_planRemaining > 0)
            {
                _planRemaining -= take;
                if (_planRemaining == 0)
                {
                    var key = _planKey;
                    _planKey = null;
                    Submit(key ?? []);
                }
            }
            else if (_filled == BlockSize)
            {
                Submit(null);
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
                if (_planRemaining > 0)
                {
                    throw new InvalidOperationException($"A planned member lacks {_planRemaining} of its {_planLength} bytes.");
                }

                if (_filled > 0)
                {
                    Submit(null); // the last, short block
                }

                while (_inFlight.Count > 0)
                {
                    WriteOldest();
                }

                if (!_anyMember)
                {
                    _output.Write(EmptyMember); // the BCL writes nothing at all for empty input; gzip needs one member
                }

                if (_usedPrevious)
                {
                    _cache!.EnsurePreviousUnchanged(); // no write raced the copies: they are the bytes indexed
                }
            }
            finally
            {
                _disposed = true;
                _libdeflate?.Dispose();
                if (!_leaveOpen)
                {
                    _output.Dispose();
                }
            }
        }

        base.Dispose(disposing);
    }

    /// <param name="key">The file-identity key to store the member under; empty for a planned member keyed by content; null for a plain one.</param>
    private void Submit(byte[]? key)
    {
        var (block, length, level) = (_block, _filled, _level);
        var statKey = key is { Length: > 0 } ? key : null;
        var tried = false;
        if (_files.Count > 0)
        {
            statKey = _cache!.GroupKey(level, block.AsSpan(0, length), _files.Select(f => f.Data).ToList());
            if (_files.Any(f => f.Fill is not null))
            {
                // Some files were not read: the member comes from the cache, or they are read now.
                if (Find(statKey, length, [statKey]) is { } found)
                {
                    _files.Clear();
                    _inFlight.Enqueue(Task.FromResult(found));
                    _anyMember = true;
                    _filled = 0; // the block is refilled from the start: its zeros never leave this stream
                    DrainDone();
                    return;
                }

                tried = true;
                foreach (var (data, fill) in _files)
                {
                    fill?.Invoke(block.AsSpan(data.Offset, data.Length));
                }
            }

            _files.Clear();
        }

        _inFlight.Enqueue(Task.Factory.StartNew(() => Compress(block, length, level, statKey, tried), CancellationToken.None, TaskCreationOptions.None, _scheduler));
        _anyMember = true;
        _block = RentBlock();
        _filled = 0;
        DrainDone();
    }

    private void DrainDone()
    {
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
            if (member.Previous is { } previous)
            {
                CopyPrevious(previous);
            }
            else
            {
                _output.Write(member.Buffer!, 0, member.Length);
            }

            if (_indexAs is not null && member.Keys is { Length: > 0 } keys)
            {
                _cache!.Record(_indexAs, keys, _outputOffset, member.Length, member.Uncompressed, member.Crc);
            }

            _outputOffset += member.Length;
        }
        finally
        {
            if (member.Buffer is { } buffer)
            {
                _freeMembers.Push(buffer);
            }
        }
    }

    /// <summary>A member of the previous output: copied file to file in the kernel when the output can, else read and written.</summary>
    private void CopyPrevious(PreviousMember previous)
    {
        if (_output is IFileRangeTarget target)
        {
            target.CopyFrom(previous.File, previous.Offset, previous.Length);
            return;
        }

        var buffer = RentMember();
        try
        {
            ReadPrevious(previous, buffer);
            _output.Write(buffer, 0, previous.Length);
        }
        finally
        {
            _freeMembers.Push(buffer);
        }
    }

    /// <summary>Reads a previous output's member whole; a file shorter than its index said was written to meanwhile (the check after writing names it).</summary>
    private static void ReadPrevious(PreviousMember previous, byte[] buffer)
    {
        var span = buffer.AsSpan(0, previous.Length);
        for (var read = 0; read < span.Length;)
        {
            var n = RandomAccess.Read(previous.File, span[read..], previous.Offset + read);
            if (n <= 0)
            {
                throw new IOException("The previous output ended before a member its index names.");
            }

            read += n;
        }
    }

    /// <summary>The CRC-32 in a gzip member's trailer (RFC 1952: CRC32, then ISIZE, little-endian).</summary>
    private static uint TrailerCrc(byte[] member, int length) => BinaryPrimitives.ReadUInt32LittleEndian(member.AsSpan(length - 8));

    // Buffers are this stream's own, not ArrayPool.Shared's: at most _maxInFlight + 1 of each
    // ever exist, of exactly the size needed, and they go away with the stream instead of staying
    // in a process-wide pool (the MSBuild node lives on after the build).
    private byte[] RentBlock() => _freeBlocks.TryPop(out var block) ? block : GC.AllocateUninitializedArray<byte>(BlockSize);

    internal byte[] RentMember() => _freeMembers.TryPop(out var member) ? member : GC.AllocateUninitializedArray<byte>(MemberCapacity);

    /// <param name="statKey">The key by file identity to look the member up under first (unless <paramref name="tried"/> already) and to store it under.</param>
    private Member Compress(byte[] block, int length, CompressionLevel level, byte[]? statKey, bool tried = false)
    {
        try
        {
            // By identity first: a planned chunk or group whose files were read anyway (the tar's
            // digest needs every byte, or the SBOM's digests were not cached) is still found.
            if (statKey is not null && !tried && !_cache!.WasEmpty && Find(statKey, length, [statKey]) is { } byIdentity)
            {
                return byIdentity;
            }

            // By content first: the bytes are here, and a SHA-256 costs a fraction of a deflate.
            // A file-keyed member missing from the cache may still be there under its content key
            // (its file was too new to trust at the last build); it is then stored under both.
            // On a first build that lookup cannot hit, and the hash of the file's bytes is saved.
            var contentKey = _cache is null || (statKey is not null && _cache.WasEmpty) ? null : _cache.ContentKey(level, block.AsSpan(0, length));
            if (contentKey is not null && Find(contentKey, length, Keys(statKey, contentKey)) is { } found)
            {
                if (statKey is not null && _indexAs is null)
                {
                    var bytes = found.Buffer ?? ReadInto(found.Previous!);
                    _cache!.Store(statKey, length, bytes.AsSpan(0, found.Length), counted: false);
                    if (found.Buffer is null)
                    {
                        _freeMembers.Push(bytes);
                    }
                }

                return found;
            }

            var buffer = RentMember();
            try
            {
                var compressed = _libdeflate is not null
                    ? _libdeflate.Compress(block.AsSpan(0, length), buffer)
                    : CompressWithRuntime(block, length, level, buffer);
                if (_indexAs is not null)
                {
                    // Indexed where it lands in the output (WriteOldest), by its place and trailer.
                    _cache!.CountCompressed();
                    return new Member(buffer, compressed, length, Keys(statKey, contentKey), TrailerCrc(buffer, compressed));
                }

                if (_cache is not null)
                {
                    _cache.Store(statKey ?? contentKey!, length, buffer.AsSpan(0, compressed));
                }

                return new Member(buffer, compressed, length);
            }
            catch
            {
                _freeMembers.Push(buffer);
                throw;
            }
        }
        finally
        {
            _freeBlocks.Push(block);
        }
    }

    /// <summary>One member through the runtime's zlib (<see cref="ReproducibleGzip"/>), where libdeflate is not carried or the level is NoCompression.</summary>
    private static int CompressWithRuntime(byte[] block, int length, CompressionLevel level, byte[] buffer)
    {
        var memory = new MemoryStream(buffer, 0, buffer.Length, writable: true);
        using (var gzip = ReproducibleGzip.Create(memory, level, leaveOpen: true))
        {
            gzip.Write(block, 0, length);
        }

        return (int)memory.Position;
    }

    private byte[] ReadInto(PreviousMember previous)
    {
        var buffer = RentMember();
        ReadPrevious(previous, buffer);
        return buffer;
    }

    private static byte[][] Keys(byte[]? statKey, byte[]? contentKey) =>
        statKey is null ? contentKey is null ? [] : [contentKey] : contentKey is null ? [statKey] : [statKey, contentKey];

    /// <param name="Buffer">The member's bytes; null for one of the previous output, copied from there.</param>
    /// <param name="Keys">What the member stands for, when it goes into an indexed output.</param>
    /// <param name="Crc">The CRC-32 in its trailer, which its row in the index names.</param>
    /// <param name="Previous">Where it is in the previous output, when it is copied from there.</param>
    private readonly record struct Member(byte[]? Buffer, int Length, long Uncompressed = 0, byte[][]? Keys = null, uint Crc = 0, PreviousMember? Previous = null);
}
