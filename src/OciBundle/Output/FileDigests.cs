using System.Buffers;
using System.Security.Cryptography;

namespace OciBundle.Output;

/// <summary>SHA-256 digests of many files, on every core, in the order given.</summary>
internal static class FileDigests
{
    /// <summary>Large reads: hashing a whole tree in the default 4 KiB steps costs more in system calls than in hashing.</summary>
    private const int ReadSize = 1 << 18;

    /// <summary>Lower-case hex digests, one per path, at the same index.</summary>
    public static string[] Sha256Hex(IReadOnlyList<string> paths)
    {
        var digests = new string[paths.Count];
        Parallel.For(0, paths.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i => digests[i] = Sha256Hex(paths[i]));
        return digests;
    }

    public static string Sha256Hex(string path)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.SequentialScan);
        var buffer = ArrayPool<byte>.Shared.Rent(ReadSize);
        try
        {
            long offset = 0;
            int read;
            while ((read = RandomAccess.Read(file, buffer, offset)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                offset += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return Convert.ToHexString(hash.GetCurrentHash()).ToLowerInvariant();
    }
}
