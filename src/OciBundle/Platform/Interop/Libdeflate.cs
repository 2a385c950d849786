using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace OciBundle.Platform.Interop;

/// <summary>
/// libdeflate (Eric Biggers, MIT licence), a whole-buffer DEFLATE compressor: at the same output
/// size it needs about three quarters of the CPU of the runtime's zlib-ng, and the gzip members
/// are whole buffers anyway (docs/performance.md, "libdeflate"). The package carries Debian 12's
/// build of it for Linux x64 and arm64 (build/libdeflate.sh) under <c>runtimes/RID/native/</c>
/// beside this assembly, and it is loaded from there by full path, never through the loader's
/// search: the bytes never depend on what the machine has installed. <see cref="Shared"/> is null
/// where no copy is carried (other systems and architectures) or it does not load (a musl libc);
/// the runtime's zlib compresses there instead.
/// </summary>
internal sealed unsafe class Libdeflate
{
    public const string FileName = "libdeflate.so.0";

    private static readonly Lazy<Libdeflate?> s_shared = new(() => Load(DefaultPath()));

    private readonly delegate* unmanaged<int, nint> _allocCompressor;
    private readonly delegate* unmanaged<nint, byte*, nuint, byte*, nuint, nuint> _deflateCompress;
    private readonly delegate* unmanaged<nint, void> _freeCompressor;
    private readonly delegate* unmanaged<uint, byte*, nuint, uint> _crc32;

    private Libdeflate(nint library, string identity)
    {
        _allocCompressor = (delegate* unmanaged<int, nint>)NativeLibrary.GetExport(library, "libdeflate_alloc_compressor");
        _deflateCompress = (delegate* unmanaged<nint, byte*, nuint, byte*, nuint, nuint>)NativeLibrary.GetExport(library, "libdeflate_deflate_compress");
        _freeCompressor = (delegate* unmanaged<nint, void>)NativeLibrary.GetExport(library, "libdeflate_free_compressor");
        _crc32 = (delegate* unmanaged<uint, byte*, nuint, uint>)NativeLibrary.GetExport(library, "libdeflate_crc32");
        Identity = identity;
    }

    /// <summary>The copy carried beside this assembly, loaded once; null where there is none or it does not load.</summary>
    public static Libdeflate? Shared => s_shared.Value;

    /// <summary>"libdeflate" and the SHA-256 of the library's bytes: what the member cache keys its members on.</summary>
    public string Identity { get; }

    /// <summary>Where this machine's copy would be: <c>runtimes/linux-x64/native/</c> or <c>runtimes/linux-arm64/native/</c> beside the assembly; null elsewhere.</summary>
    public static string? DefaultPath()
    {
        var rid = !OperatingSystem.IsLinux() ? null : RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => "linux-x64",
            Architecture.Arm64 => "linux-arm64",
            _ => null,
        };
        var folder = Path.GetDirectoryName(typeof(Libdeflate).Assembly.Location);
        return rid is null || string.IsNullOrEmpty(folder) ? null : Path.Combine(folder, "runtimes", rid, "native", FileName);
    }

    /// <summary>The library at <paramref name="path"/> with the four functions used; null when it is missing or does not load.</summary>
    public static Libdeflate? Load(string? path)
    {
        if (path is null || !File.Exists(path) || !NativeLibrary.TryLoad(path, out var library))
        {
            return null;
        }

        foreach (var name in (ReadOnlySpan<string>)["libdeflate_alloc_compressor", "libdeflate_deflate_compress", "libdeflate_free_compressor", "libdeflate_crc32"])
        {
            if (!NativeLibrary.TryGetExport(library, name, out _))
            {
                return null;
            }
        }

        // Loaded once per process and never unloaded: the functions are called until it ends.
        return new Libdeflate(library, "libdeflate " + Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path))).ToLowerInvariant());
    }

    /// <summary>A compressor at <paramref name="level"/> (1 to 12); one thread uses it at a time.</summary>
    public nint AllocCompressor(int level)
    {
        var compressor = _allocCompressor(level);
        return compressor != 0 ? compressor : throw new OutOfMemoryException($"libdeflate could not make a compressor at level {level}.");
    }

    public void FreeCompressor(nint compressor) => _freeCompressor(compressor);

    /// <summary>Raw DEFLATE of <paramref name="input"/> into <paramref name="output"/>; the length written, 0 when it did not fit.</summary>
    public int DeflateCompress(nint compressor, ReadOnlySpan<byte> input, Span<byte> output)
    {
        fixed (byte* inBytes = input)
        fixed (byte* outBytes = output)
        {
            return (int)_deflateCompress(compressor, inBytes, (nuint)input.Length, outBytes, (nuint)output.Length);
        }
    }

    /// <summary>The CRC-32 of <paramref name="bytes"/> (gzip's, ISO 3309).</summary>
    public uint Crc32(ReadOnlySpan<byte> bytes)
    {
        fixed (byte* data = bytes)
        {
            return _crc32(0, data, (nuint)bytes.Length);
        }
    }
}
