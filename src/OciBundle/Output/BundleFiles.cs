using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using OciBundle.Diagnostics;
using OciBundle.Rootfs;
using OciBundle.Settings;

namespace OciBundle.Output;

/// <summary>Writes the bundle's files into a staging folder, hashing each as it is written.</summary>
public static class BundleFiles
{
    public const string ConfigFileName = "config.json";
    public const string ChecksumsFileName = "SHA256SUMS";

    /// <summary>The OCI image layout folder and its tar (Output/Image writes them).</summary>
    public const string ImageLayoutName = "image";
    public const string ImageArchiveName = "image.tar";

    /// <summary>The bill of materials (Sbom/ writes it).</summary>
    public const string SbomFileName = "sbom.spdx.json";
    private const int ConfigMode = 0b110_100_100; // 0644

    public static BundleOutputFile WriteConfig(string staging, byte[] configJson)
    {
        var path = Path.Combine(staging, ConfigFileName);
        File.WriteAllBytes(path, configJson);
        return new BundleOutputFile(path, OutputKinds.Config, configJson.Length, Hex(SHA256.HashData(configJson)));
    }

    /// <summary>
    /// rootfs.tar.gz, rootfs.tar or rootfs/, as the options say. Returns the output and the sums
    /// lines it adds. <paramref name="tarDigest"/>, when given, is told the SHA-256 of the tar
    /// before compression (an image layer's diff_id), hashed while writing; <paramref name="contentDigests"/>,
    /// when given, receives each file's digests as the writer reads it (the bill of materials).
    /// </summary>
    public static (BundleOutputFile Output, List<string> SumLines) WriteRootfs(string staging, BundleOptions options, IReadOnlyList<RootfsEntry> sorted, PackingProgress? progress = null, Action<string>? tarDigest = null, ContentDigests? contentDigests = null, MemberCache? cache = null)
    {
        var path = Path.Combine(staging, options.RootfsFileName);
        if (options.Format == RootfsFormat.Directory)
        {
            DirectoryTreeWriter.Write(sorted, path, options.SourceDateEpoch);
            var files = sorted.Where(e => e.Type == RootfsEntryType.RegularFile).Select(e => e.Path).ToList();
            var digests = FileDigests.Sha256Hex(files.Select(f => Path.Combine(path, f)).ToList());
            var lines = files.Select((f, i) => SumLine(digests[i], $"{options.RootfsFileName}/{f}")).ToList();

            return (new BundleOutputFile(path, OutputKinds.Rootfs, 0, ""), lines);
        }

        var compression = options.Format switch
        {
            RootfsFormat.TarGz => Compression.Gzip,
            RootfsFormat.TarZst => Compression.Zstd,
            _ => Compression.None,
        };
        var output = WriteTarball(path, compression, options.CompressionLevel, options.SourceDateEpoch, writer => writer.WriteTree(sorted, "", progress, contentDigests), tarDigest, cache);
        return (output with { Kind = OutputKinds.Rootfs }, [SumLine(output.Sha256, options.RootfsFileName)]);
    }

    /// <summary>The single-file bundle: config.json and rootfs/… in one gzip tarball, ready for `tar -xzf` and `runc run -b`.</summary>
    public static BundleOutputFile WriteArchive(string path, BundleOptions options, byte[] configJson, IReadOnlyList<RootfsEntry> sorted, MemberCache? cache = null) =>
        WriteTarball(path, Compression.Gzip, options.CompressionLevel, options.SourceDateEpoch, writer =>
        {
            writer.WriteFile(ConfigFileName, configJson, ConfigMode);
            writer.WriteDirectory("rootfs/", RootfsTree.ImplicitDirectoryMode);
            writer.WriteTree(sorted, "rootfs/");
        }, cache: cache) with
        { Kind = OutputKinds.BundleArchive };

    public static BundleOutputFile WriteChecksums(string staging, IEnumerable<string> lines)
    {
        var bytes = Encoding.UTF8.GetBytes(string.Concat(lines.Select(l => l + "\n")));
        var path = Path.Combine(staging, ChecksumsFileName);
        File.WriteAllBytes(path, bytes);
        return new BundleOutputFile(path, OutputKinds.Checksums, bytes.Length, Hex(SHA256.HashData(bytes)));
    }

    /// <summary>One `sha256sum` line: digest, two spaces (text mode), name.</summary>
    public static string SumLine(string sha256, string name) => $"{sha256}  {name}";

    private enum Compression
    {
        None,
        Gzip,
        Zstd,
    }

    private static BundleOutputFile WriteTarball(string path, Compression compression, CompressionLevel level, long mtime, Action<ReproducibleTarWriter> write, Action<string>? tarDigest = null, MemberCache? cache = null)
    {
        if (compression == Compression.Gzip)
        {
            return WriteGzipTarball(path, level, mtime, write, tarDigest, cache);
        }

        using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20);
        var hashing = new HashingStream(new TimedStream(file, BuildTimings.Part.Output, leaveOpen: true));
        Stream target = compression switch
        {
            Compression.Zstd => new TimedStream(ReproducibleZstd.Create(hashing, level, leaveOpen: true), BuildTimings.Part.Compress, leaveOpen: false),
            _ => hashing,
        };
        var compressed = compression != Compression.None;
        var tar = tarDigest is not null && compressed ? new HashingStream(target) : null;
        using (var writer = new ReproducibleTarWriter(tar ?? target, mtime, leaveOpen: tar is not null))
        {
            write(writer);
        }

        if (tar is not null)
        {
            tarDigest!(tar.HexDigest());
            tar.Dispose();
        }

        target.Dispose(); // the zstd trailer, when compressing
        hashing.Dispose();
        if (tarDigest is not null && !compressed)
        {
            tarDigest(hashing.HexDigest()); // uncompressed: the file is the tar
        }

        return new BundleOutputFile(path, "", hashing.BytesWritten, hashing.HexDigest());
    }

    /// <summary>
    /// gzip on all cores (the compressor's work is nearly all of the cost, and its bytes do not
    /// depend on the core count), in members that follow the tar entries (the writer cuts them),
    /// with or without a cache: the same bytes. With a cache, members are indexed where they land
    /// in this file, for the next build to copy from it, and members of the previous output are
    /// copied from there in the kernel. The file's SHA-256 is taken beside the writer
    /// (<see cref="HashedOutputFile"/>).
    /// </summary>
    private static BundleOutputFile WriteGzipTarball(string path, CompressionLevel level, long mtime, Action<ReproducibleTarWriter> write, Action<string>? tarDigest, MemberCache? cache)
    {
        using var file = new HashedOutputFile(path);
        var gzip = new ParallelGzipStream(file, level, leaveOpen: true, cache: cache, indexAs: path);
        var target = new TimedStream(gzip, BuildTimings.Part.Compress, leaveOpen: false);
        var tar = tarDigest is not null ? new HashingStream(target) : null;
        using (var writer = new ReproducibleTarWriter(tar ?? (Stream)target, mtime, leaveOpen: tar is not null, members: gzip, contentNeeded: tar is not null))
        {
            write(writer);
        }

        if (tar is not null)
        {
            tarDigest!(tar.HexDigest());
            tar.Dispose();
        }

        target.Dispose(); // the last members, and the check that the previous output was not written to meanwhile
        var digest = file.Finish();
        return new BundleOutputFile(path, "", file.BytesWritten, digest);
    }

    private static string Hex(byte[] digest) => Convert.ToHexString(digest).ToLowerInvariant();
}
