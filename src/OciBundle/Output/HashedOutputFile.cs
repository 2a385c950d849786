using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;
using OciBundle.Diagnostics;
using OciBundle.Platform.Interop;
using OciBundle.Rootfs;

namespace OciBundle.Output;

/// <summary>
/// A gzip output file as <see cref="ParallelGzipStream"/> writes it: whole members appended
/// unbuffered, or copied in the kernel from the previous output (<see cref="IFileRangeTarget"/>),
/// and its SHA-256 taken by a second thread that reads the file back from the page cache behind
/// the writer. So the build thread neither hashes the output (240 MB on the benchmark corpus) nor
/// copies the members a rebuild reuses through user space, and on a cold build the hash runs
/// beside the compressors instead of between them and the writer. The hashing thread also starts
/// the writeback of what it has hashed (<c>sync_file_range</c>), so the commit's <c>syncfs</c>
/// finds little left to write. The digest is of the bytes in the file, read after they were
/// written: the same bytes, in the same order, as hashing them on their way in.
/// </summary>
internal sealed class HashedOutputFile : WriteOnlyStream, IFileRangeTarget
{
    /// <summary>Writeback is started every this many hashed bytes.</summary>
    private const long WritebackStep = 8 << 20;

    private readonly SafeFileHandle _file;
    private readonly string _path;
    private readonly BuildTimings? _timings = BuildTimings.Current;
    private readonly object _gate = new();
    private readonly Thread _hasher;
    private readonly bool _inKernel;
    private long _written;
    private bool _closed;
    private Exception? _failure;
    private string? _digest;

    /// <param name="path">Created; it must not exist.</param>
    /// <param name="inKernel">False copies ranges through a buffer instead of copy_file_range (tests).</param>
    public HashedOutputFile(string path, bool inKernel = true)
    {
        _inKernel = inKernel;
        _path = path;
        _file = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None);
        _hasher = new Thread(Hash) { IsBackground = true, Name = "OciBundle output hash" };
        _hasher.Start();
    }

    /// <summary>Bytes in the file.</summary>
    public long BytesWritten => Volatile.Read(ref _written);

    public override long Length => BytesWritten;

    public override long Position { get => BytesWritten; set => throw new NotSupportedException(); }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        var started = Stopwatch.GetTimestamp();
        RandomAccess.Write(_file, buffer, _written);
        _timings?.Add(BuildTimings.Part.Output, started);
        Published(buffer.Length);
    }

    public void CopyFrom(SafeFileHandle source, long offset, int length)
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        var started = Stopwatch.GetTimestamp();
        FileRangeCopy.Copy(source, offset, _file, _written, length, _inKernel);
        _timings?.Add(BuildTimings.Part.Output, started);
        Published(length);
    }

    public override void Flush()
    {
    }

    /// <summary>Waits for the hash of everything written and returns it (lower-case hex); throws what the hashing thread met.</summary>
    public string Finish()
    {
        Close(wait: true);
        if (_failure is not null)
        {
            throw new IOException($"Reading back '{_path}' to hash it failed: {_failure.Message}", _failure);
        }

        return _digest!;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Close(wait: true);
            _file.Dispose();
        }

        base.Dispose(disposing);
    }

    private void Published(int length)
    {
        lock (_gate)
        {
            _written += length;
            Monitor.PulseAll(_gate);
        }
    }

    private void Close(bool wait)
    {
        lock (_gate)
        {
            _closed = true;
            Monitor.PulseAll(_gate);
        }

        if (wait)
        {
            _hasher.Join();
        }
    }

    /// <summary>The hashing thread: reads what is written, in order, until the file is closed and all of it is hashed.</summary>
    private void Hash()
    {
        try
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = GC.AllocateUninitializedArray<byte>(1 << 20);
            long hashed = 0, synced = 0;
            while (true)
            {
                long available;
                lock (_gate)
                {
                    while (_written == hashed && !_closed)
                    {
                        Monitor.Wait(_gate);
                    }

                    available = _written;
                    if (available == hashed)
                    {
                        break; // closed, and everything hashed
                    }
                }

                var started = Stopwatch.GetTimestamp();
                while (hashed < available)
                {
                    var n = RandomAccess.Read(_file, buffer.AsSpan(0, (int)Math.Min(buffer.Length, available - hashed)), hashed);
                    if (n <= 0)
                    {
                        throw new IOException("the file is shorter than what was written to it");
                    }

                    hash.AppendData(buffer, 0, n);
                    hashed += n;
                }

                _timings?.Add(BuildTimings.Part.OutputHash, started);
                if (hashed - synced >= WritebackStep)
                {
                    StartWriteback(synced, hashed - synced);
                    synced = hashed;
                }
            }

            _digest = Convert.ToHexString(hash.GetHashAndReset()).ToLowerInvariant();
        }
        catch (Exception e)
        {
            _failure = e; // surfaces in Finish, on the build's thread
        }
    }

    /// <summary>Starts writing a range to disk without waiting (Linux); best effort, the commit syncs anyway.</summary>
    private void StartWriteback(long offset, long length)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        try
        {
            _ = LibC.SyncFileRange((int)_file.DangerousGetHandle(), offset, length, LibC.SyncFileRangeWrite);
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            // no such call: the commit's syncfs writes it all
        }
    }
}
