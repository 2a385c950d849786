using System.Formats.Tar;
using System.IO.Compression;
using System.Runtime.Versioning;
using System.Text;
using OciBundle.Rootfs;
using OciBundle.Tests.Support;

namespace OciBundle.Tests.Rootfs;

/// <summary>
/// The gzip member cache: a warm build gives the bytes of a cold one, and a member is served only
/// for the bytes it stands for, whatever happens to the files or the cache between builds.
/// </summary>
[UnsupportedOSPlatform("windows")]
public class MemberCacheTests
{
    private const long Mtime = 1_700_000_000;
    private const int Mebi = 1 << 20;

    [Fact]
    public void Warm_build_reuses_every_member_and_equals_cold_and_uncached_builds()
    {
        using var temp = new TempDirectory();
        var source = MakeTree(temp);
        var entries = ReadHost(source);

        var uncached = Pack(entries, cache: null);
        var cold = OpenCache(temp);
        var coldBytes = Pack(entries, cold);
        var warm = OpenCache(temp);
        var warmBytes = Pack(entries, warm);

        Assert.Equal(uncached, coldBytes);
        Assert.Equal(uncached, warmBytes);
        Assert.Equal(0, cold.Reused);
        Assert.True(cold.Compressed > 8, $"{cold.Compressed} members");
        Assert.Equal(cold.Compressed, warm.Reused);
        Assert.Equal(0, warm.Compressed);
        Assert.Equal(Tar(entries), Gunzip(warmBytes));
        Assert.Equal(uncached, Pack(entries, cache: null, workers: 1)); // aligned members: the same on any core count
    }

    [Fact]
    public void A_file_rewritten_with_its_old_size_and_mtime_is_read_again_never_served_stale()
    {
        using var temp = new TempDirectory();
        var source = MakeTree(temp);
        var cold = OpenCache(temp);
        Pack(ReadHost(source), cold);

        // touch -d back: same size, same mtime, other bytes; only ctime tells.
        var big = Path.Combine(source, "usr/lib/big.bin");
        var mtime = File.GetLastWriteTimeUtc(big);
        var bytes = File.ReadAllBytes(big);
        bytes[(2 * Mebi) + 17] ^= 0x5a;
        File.WriteAllBytes(big, bytes);
        File.SetLastWriteTimeUtc(big, mtime);

        var entries = ReadHost(source);
        var warm = OpenCache(temp);
        var warmBytes = Pack(entries, warm);

        Assert.Equal(Pack(entries, cache: null), warmBytes);
        Assert.Equal(Tar(entries), Gunzip(warmBytes));
        Assert.Equal(4, warm.Compressed); // the changed file's chunks, and nothing else
        Assert.Equal(cold.Compressed - 4, warm.Reused);
    }

    [Fact]
    public void A_changed_small_file_changes_its_group_only()
    {
        using var temp = new TempDirectory();
        var source = MakeTree(temp);
        var cold = OpenCache(temp);
        Pack(ReadHost(source), cold);

        File.WriteAllText(Path.Combine(source, "etc/small-007.conf"), "changed, and longer than before\n");
        var entries = ReadHost(source);
        var warm = OpenCache(temp);
        var warmBytes = Pack(entries, warm);

        Assert.Equal(Pack(entries, cache: null), warmBytes);
        Assert.InRange(warm.Compressed, 1, 2);
        Assert.True(warm.Reused >= cold.Compressed - 2, $"{warm.Reused} of {cold.Compressed}");
    }

    [Theory]
    [InlineData("truncate")]
    [InlineData("flip")]
    [InlineData("swap")]
    [InlineData("delete")]
    public void A_damaged_or_deleted_cache_only_costs_time(string damage)
    {
        using var temp = new TempDirectory();
        var source = MakeTree(temp);
        var entries = ReadHost(source);
        var expected = Pack(entries, OpenCache(temp));
        var folder = Path.Combine(temp.Path, "obj", MemberCache.FolderName);
        var files = Directory.GetFiles(folder, "*.gzm").Order(StringComparer.Ordinal).ToArray();
        switch (damage)
        {
            case "truncate":
                foreach (var f in files)
                {
                    using var stream = new FileStream(f, FileMode.Open);
                    stream.SetLength(stream.Length - 3);
                }

                break;
            case "flip":
                foreach (var f in files)
                {
                    var b = File.ReadAllBytes(f);
                    b[b.Length / 2] ^= 1;
                    File.WriteAllBytes(f, b);
                }

                break;
            case "swap":
                var first = File.ReadAllBytes(files[0]);
                File.Copy(files[1], files[0], overwrite: true);
                File.WriteAllBytes(files[1], first);
                break;
            default:
                Directory.Delete(folder, recursive: true);
                break;
        }

        var warm = OpenCache(temp);
        Assert.Equal(expected, Pack(entries, warm));
        if (damage == "swap")
        {
            Assert.Equal(2, warm.Dropped);
        }
        else if (damage != "delete")
        {
            Assert.Equal(files.Length, warm.Dropped);
            Assert.Equal(0, warm.Reused);
        }

        var again = OpenCache(temp); // and the cache is whole again
        Assert.Equal(expected, Pack(entries, again));
        Assert.Equal(0, again.Compressed);
    }

    [Fact]
    public void A_new_source_date_epoch_changes_headers_and_reuses_file_data()
    {
        using var temp = new TempDirectory();
        var source = MakeTree(temp);
        var entries = ReadHost(source);
        Pack(entries, OpenCache(temp));

        var warm = OpenCache(temp);
        var bytes = Pack(entries, warm, mtime: Mtime + 86400);

        Assert.Equal(Pack(entries, cache: null, mtime: Mtime + 86400), bytes);
        Assert.True(warm.Reused >= 5, $"{warm.Reused} reused"); // big.bin's 4 chunks and medium.bin's one
    }

    [Fact]
    public void Digests_of_skipped_files_come_from_the_cache_and_match_a_read()
    {
        using var temp = new TempDirectory();
        var source = MakeTree(temp);
        var entries = ReadHost(source);
        var coldDigests = new ContentDigests();
        Pack(entries, OpenCache(temp), digests: coldDigests);
        var warmDigests = new ContentDigests();
        var warm = OpenCache(temp);
        Pack(entries, warm, digests: warmDigests);
        var fresh = new ContentDigests();

        Assert.Equal(0, warm.Compressed);
        foreach (var entry in entries.Where(e => e.Type == RootfsEntryType.RegularFile))
        {
            Assert.Equal(fresh.For(entry), warmDigests.For(entry));
            Assert.Equal(coldDigests.For(entry), warmDigests.For(entry));
        }
    }

    [Fact]
    public void Files_inside_the_racy_window_or_untrusted_are_keyed_by_content()
    {
        using var temp = new TempDirectory();
        var source = MakeTree(temp);
        var entries = ReadHost(source);
        var stamp = Path.Combine(temp.Path, "obj", "oci-bundle.stamp");
        var now = MemberCache.Open(stamp, _ => false, DateTime.UtcNow)!;
        var untrusted = MemberCache.Open(stamp, _ => true, DateTime.UtcNow.AddMinutes(1))!;
        var big = entries.Single(e => e.Path == "usr/lib/big.bin");

        Assert.Null(now.Identify(big.SourcePath!, big.Size));
        Assert.Null(untrusted.Identify(big.SourcePath!, big.Size));
        Assert.NotNull(OpenCache(temp).Identify(big.SourcePath!, big.Size));
        Assert.Null(OpenCache(temp).Identify(big.SourcePath!, big.Size + 1));

        var expected = Pack(entries, now);
        var warm = MemberCache.Open(stamp, _ => true, DateTime.UtcNow.AddMinutes(1))!;
        Assert.Equal(expected, Pack(entries, warm));
        Assert.Equal(0, warm.Compressed); // content keys found every member
    }

    [Fact]
    public void Trim_keeps_what_the_last_build_used()
    {
        using var temp = new TempDirectory();
        var source = MakeTree(temp);
        var first = OpenCache(temp, DateTime.UtcNow.AddMinutes(-5));
        Pack(ReadHost(source), first, mtime: Mtime);
        var second = OpenCache(temp, DateTime.UtcNow.AddMinutes(10));
        Pack(ReadHost(source), second, mtime: Mtime + 1);
        var folder = Path.Combine(temp.Path, "obj", MemberCache.FolderName);
        var before = Directory.GetFiles(folder).Length;

        second.Trim();

        var after = Directory.GetFiles(folder).Length;
        Assert.True(after < before, $"{after} of {before}");
        var third = OpenCache(temp);
        Pack(ReadHost(source), third, mtime: Mtime + 1);
        Assert.Equal(0, third.Compressed);
    }

    [Fact]
    public void Small_files_of_a_cached_group_are_not_even_opened()
    {
        using var temp = new TempDirectory();
        var source = MakeTree(temp);
        var entries = ReadHost(source);
        var cold = OpenCache(temp);
        Pack(entries, cold, digests: new ContentDigests());
        cold.Trim(); // writes the digest index, as a build does after its commit

        // Every small file locked against readers (flock, as FileShare.None does): a read would be OCIB3004.
        var small = entries.Where(e => e.Type == RootfsEntryType.RegularFile && e.Size < ReproducibleTarWriter.LargeFileSize).ToList();
        var locks = small.Select(e => new FileStream(e.SourcePath!, FileMode.Open, FileAccess.Read, FileShare.None)).ToList();
        var warmDigests = new ContentDigests();
        var warm = OpenCache(temp);
        byte[] warmBytes;
        try
        {
            warmBytes = Pack(entries, warm, digests: warmDigests);
        }
        finally
        {
            locks.ForEach(l => l.Dispose());
        }

        Assert.Equal(Pack(entries, cache: null), warmBytes);
        Assert.Equal(0, warm.Compressed);
        Assert.Equal(cold.Compressed, warm.Reused);
        var fresh = new ContentDigests();
        Assert.All(small, e => Assert.Equal(fresh.For(e), warmDigests.For(e)));
    }

    [Fact]
    public void A_small_file_rewritten_with_its_old_size_and_mtime_is_read_again_never_served_stale()
    {
        using var temp = new TempDirectory();
        var source = MakeTree(temp);
        var cold = OpenCache(temp);
        Pack(ReadHost(source), cold, digests: new ContentDigests());
        cold.Trim();

        // touch -d back: same size, same mtime, other bytes; only ctime tells.
        var path = Path.Combine(source, "etc/small-007.conf");
        var mtime = File.GetLastWriteTimeUtc(path);
        var bytes = File.ReadAllBytes(path);
        bytes[10] ^= 0x20;
        File.WriteAllBytes(path, bytes);
        File.SetLastWriteTimeUtc(path, mtime);

        var entries = ReadHost(source);
        var warmDigests = new ContentDigests();
        var warm = OpenCache(temp);
        var warmBytes = Pack(entries, warm, digests: warmDigests);

        Assert.Equal(Pack(entries, cache: null), warmBytes);
        Assert.Equal(Tar(entries), Gunzip(warmBytes));
        Assert.InRange(warm.Compressed, 1, 2); // the changed file's group, and at most the next
        var changed = entries.Single(e => e.Path == "etc/small-007.conf");
        Assert.Equal(new ContentDigests().For(changed), warmDigests.For(changed));
    }

    [Theory]
    [InlineData("flip")]
    [InlineData("truncate")]
    [InlineData("delete")]
    public void A_damaged_or_deleted_digest_index_only_costs_a_read(string damage)
    {
        using var temp = new TempDirectory();
        var source = MakeTree(temp);
        var entries = ReadHost(source);
        var cold = OpenCache(temp);
        var expected = Pack(entries, cold, digests: new ContentDigests());
        cold.Trim();
        var index = Path.Combine(temp.Path, "obj", MemberCache.FolderName, MemberCache.DigestIndexName);
        var bytes = File.ReadAllBytes(index);
        switch (damage)
        {
            case "flip":
                bytes[bytes.Length / 2] ^= 1; // one digest changed: the whole index is dropped
                File.WriteAllBytes(index, bytes);
                break;
            case "truncate":
                File.WriteAllBytes(index, bytes[..(bytes.Length - 10)]);
                break;
            default:
                File.Delete(index);
                break;
        }

        var warmDigests = new ContentDigests();
        var warm = OpenCache(temp);
        Assert.Equal(expected, Pack(entries, warm, digests: warmDigests));
        Assert.Equal(damage == "delete" ? 0 : 1, warm.Dropped);
        var fresh = new ContentDigests();
        Assert.All(entries.Where(e => e.Type == RootfsEntryType.RegularFile), e => Assert.Equal(fresh.For(e), warmDigests.For(e)));
    }

    [Fact]
    public void A_group_key_names_the_bytes_around_the_files_their_places_and_their_identities()
    {
        using var temp = new TempDirectory();
        var cache = OpenCache(temp);
        var a = new FileIdentity(Enumerable.Repeat((byte)1, 32).ToArray());
        var b = new FileIdentity(Enumerable.Repeat((byte)2, 32).ToArray());
        var block = Encoding.ASCII.GetBytes("header-a....data-a....header-b");
        byte[] Key(byte[] bytes, params FileData[] files) => cache.GroupKey(CompressionLevel.Optimal, bytes, files);
        var key = Key(block, new FileData(8, 4, a));

        Assert.Equal(key, Key(block, new FileData(8, 4, a)));
        var otherData = (byte[])block.Clone();
        otherData[9] = (byte)'X'; // inside the file's range: its identity stands for it
        Assert.Equal(key, Key(otherData, new FileData(8, 4, a)));
        var otherHeader = (byte[])block.Clone();
        otherHeader[0] = (byte)'H';
        Assert.NotEqual(key, Key(otherHeader, new FileData(8, 4, a)));
        Assert.NotEqual(key, Key(block, new FileData(8, 4, b)));
        Assert.NotEqual(key, Key(block, new FileData(9, 4, a)));
        Assert.NotEqual(key, Key(block, new FileData(8, 5, a)));
        Assert.NotEqual(key, Key(block));
        Assert.NotEqual(key, cache.ContentKey(CompressionLevel.Optimal, block));
        Assert.NotEqual(key, cache.GroupKey(CompressionLevel.SmallestSize, block, [new FileData(8, 4, a)]));
        Assert.Throws<ArgumentException>(() => Key(block, new FileData(8, 4, a), new FileData(10, 4, b)));
        Assert.Throws<ArgumentException>(() => Key(block, new FileData(28, 4, a)));
    }

    [Fact]
    public void A_warm_build_copies_members_from_the_previous_output_and_keeps_no_second_copy()
    {
        using var temp = new TempDirectory();
        var source = MakeTree(temp);
        var entries = ReadHost(source);
        var uncached = Pack(entries, cache: null);

        var cold = OpenCache(temp);
        var coldBytes = Build(temp, entries, cold);
        var folder = Path.Combine(temp.Path, "obj", MemberCache.FolderName);
        Assert.Empty(Directory.GetFiles(folder, "*.gzm")); // the members live in the output only
        Assert.True(File.Exists(Path.Combine(folder, MemberCache.MemberIndexName)));

        var warm = OpenCache(temp);
        Assert.True(warm.IndexedMembers >= cold.Compressed, $"{warm.IndexedMembers} indexed of {cold.Compressed}");
        var warmBytes = Build(temp, entries, warm);

        Assert.Equal(uncached, coldBytes);
        Assert.Equal(uncached, warmBytes);
        Assert.Equal(0, warm.Compressed);
        Assert.Equal(cold.Compressed, warm.Reused);
        Assert.Equal(0, warm.Dropped);

        // And again from the output the warm build wrote: its own index, of its own file.
        var third = OpenCache(temp);
        File.WriteAllText(Path.Combine(source, "etc/small-007.conf"), "changed, and longer than before\n");
        var changed = ReadHost(source);
        Assert.Equal(Pack(changed, cache: null), Build(temp, changed, third));
        Assert.InRange(third.Compressed, 1, 2);
        Assert.Equal(cold.Compressed - third.Compressed, third.Reused);
    }

    [Theory]
    [InlineData("truncate")]
    [InlineData("rewrite-touched-back")]
    [InlineData("replace-same-bytes")]
    [InlineData("delete")]
    [InlineData("stamp-deleted")]
    public void A_previous_output_changed_or_gone_is_never_served_only_recompressed(string change)
    {
        using var temp = new TempDirectory();
        var source = MakeTree(temp);
        var entries = ReadHost(source);
        var expected = Build(temp, entries, OpenCache(temp));
        var output = OutputPath(temp);
        switch (change)
        {
            case "truncate":
                using (var stream = new FileStream(output, FileMode.Open))
                {
                    stream.SetLength(stream.Length / 2);
                }

                break;
            case "rewrite-touched-back":
                var mtime = File.GetLastWriteTimeUtc(output);
                var bytes = File.ReadAllBytes(output);
                bytes[bytes.Length / 2] ^= 0x20; // same size, same mtime, other bytes: only ctime tells
                File.WriteAllBytes(output, bytes);
                File.SetLastWriteTimeUtc(output, mtime);
                break;
            case "replace-same-bytes":
                File.Copy(output, output + ".copy");
                File.Move(output + ".copy", output, overwrite: true); // another inode
                break;
            case "delete":
                File.Delete(output);
                break;
            default:
                File.Delete(Path.Combine(temp.Path, "obj", "oci-bundle.stamp")); // no proof that the file is the one indexed
                break;
        }

        var warm = OpenCache(temp);
        Assert.Equal(0, warm.IndexedMembers);
        Assert.Equal(expected, Build(temp, entries, warm));
        Assert.Equal(0, warm.Reused);
        Assert.Equal(0, warm.Dropped);
    }

    [Theory]
    [InlineData("flip")]
    [InlineData("past-the-end")]
    [InlineData("other-member")]
    public void A_damaged_member_index_only_costs_time(string damage)
    {
        using var temp = new TempDirectory();
        var source = MakeTree(temp);
        var entries = ReadHost(source);
        var cold = OpenCache(temp);
        var expected = Build(temp, entries, cold);
        var index = Path.Combine(temp.Path, "obj", MemberCache.FolderName, MemberCache.MemberIndexName);
        if (damage == "flip")
        {
            var bytes = File.ReadAllBytes(index);
            bytes[bytes.Length / 2] ^= 1;
            File.WriteAllBytes(index, bytes);
        }
        else
        {
            // A well-formed index (its checksum recomputed) whose rows point at the wrong bytes.
            var lines = File.ReadAllLines(index).SkipLast(1).Select(line =>
            {
                var p = line.Split(' ');
                if (p[0] != "m")
                {
                    return line;
                }

                p[2] = damage == "past-the-end" ? (new FileInfo(OutputPath(temp)).Length - 10).ToString(System.Globalization.CultureInfo.InvariantCulture) : "0";
                return string.Join(' ', p);
            });
            var body = Encoding.UTF8.GetBytes(string.Concat(lines.Select(l => l + "\n")));
            File.WriteAllBytes(index, [.. body, .. Encoding.ASCII.GetBytes($"end {Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(body))}\n")]);
        }

        var warm = OpenCache(temp);
        Assert.Equal(expected, Build(temp, entries, warm));
        if (damage == "flip")
        {
            Assert.Equal(1, warm.Dropped); // the index, dropped whole
            Assert.Equal(0, warm.Reused);
        }
        else
        {
            // Every row points at bytes that are not its member (the first member, at 0, only for the first key's own row).
            Assert.True(warm.Reused <= 2, $"{warm.Reused} reused");
            Assert.True(warm.Dropped >= cold.Compressed - 2, $"{warm.Dropped} dropped of {cold.Compressed}");
        }
    }

    [Fact]
    public void A_write_to_the_previous_output_while_its_members_are_copied_fails_the_build_instead_of_a_wrong_byte()
    {
        using var temp = new TempDirectory();
        var source = MakeTree(temp);
        var entries = ReadHost(source);
        Build(temp, entries, OpenCache(temp));
        var output = OutputPath(temp);

        // Opened and proven unchanged; then written (same size, mtime set back) before the members are copied.
        var warm = OpenCache(temp);
        Assert.True(warm.IndexedMembers > 0);
        var mtime = File.GetLastWriteTimeUtc(output);
        using (var stream = new FileStream(output, FileMode.Open, FileAccess.ReadWrite))
        {
            stream.Position = stream.Length / 2;
            var b = stream.ReadByte();
            stream.Position--;
            stream.WriteByte((byte)(b ^ 0x20));
        }

        File.SetLastWriteTimeUtc(output, mtime);
        var e = Assert.Throws<OciBundle.Diagnostics.OciBundleException>(() => Build(temp, entries, warm));
        Assert.Equal("OCIB3004", e.Diagnostic.Code);
        Assert.Contains(output, e.Diagnostic.Message, StringComparison.Ordinal);
    }

    /// <summary>As a build does: the output written in staging and indexed, renamed into place, the index and the stamp (with the output's identity) written.</summary>
    private static byte[] Build(TempDirectory temp, IReadOnlyList<RootfsEntry> entries, MemberCache cache)
    {
        var staging = temp.Combine("out/.staging-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(staging);
        var staged = Path.Combine(staging, "rootfs.tar.gz");
        using (var file = new FileStream(staged, FileMode.CreateNew))
        using (var gzip = new ParallelGzipStream(file, CompressionLevel.Optimal, 2, leaveOpen: true, cache, indexAs: staged))
        using (var writer = new ReproducibleTarWriter(gzip, Mtime, leaveOpen: true, members: gzip))
        {
            writer.WriteTree(entries, "");
        }

        var output = OutputPath(temp);
        File.Move(staged, output, overwrite: true);
        Directory.Delete(staging);
        var bytes = File.ReadAllBytes(output);
        var sha = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(bytes)).ToLowerInvariant();
        cache.OutputsCommitted([(staged, output, sha, bytes.Length)]);
        cache.Trim();
        OciBundle.Output.UpToDateStamp.Write(Path.Combine(temp.Path, "obj", "oci-bundle.stamp"), "fingerprint", [new OciBundle.Output.BundleOutputFile(output, OciBundle.Output.OutputKinds.Rootfs, bytes.Length, sha)]);
        return bytes;
    }

    private static string OutputPath(TempDirectory temp) => temp.Combine("out/rootfs.tar.gz");

    private static MemberCache OpenCache(TempDirectory temp, DateTime? started = null) =>
        MemberCache.Open(Path.Combine(temp.Path, "obj", "oci-bundle.stamp"), _ => false, started ?? DateTime.UtcNow.AddMinutes(1), OciBundle.Output.OutputOwnership.StillAsWritten(Path.Combine(temp.Path, "obj", "oci-bundle.stamp")))!;

    /// <summary>Small text files, a medium file and a large one (4 chunks), deterministic bytes.</summary>
    private static string MakeTree(TempDirectory temp)
    {
        var source = temp.Combine("source");
        Directory.CreateDirectory(Path.Combine(source, "etc"));
        Directory.CreateDirectory(Path.Combine(source, "usr/lib"));
        var random = new Random(42);
        for (var i = 0; i < 40; i++)
        {
            var text = string.Concat(Enumerable.Range(0, 200 + (i * 37)).Select(n => $"key{n % 13}=value {n * i}\n"));
            File.WriteAllText(Path.Combine(source, $"etc/small-{i:000}.conf"), text);
        }

        File.WriteAllBytes(Path.Combine(source, "usr/lib/medium.bin"), Compressible(random, 300 << 10));
        File.WriteAllBytes(Path.Combine(source, "usr/lib/big.bin"), Compressible(random, (3 * Mebi) + 4321));
        return source;
    }

    private static byte[] Compressible(Random random, int length)
    {
        var bytes = new byte[length];
        for (var i = 0; i < length; i++)
        {
            bytes[i] = (byte)(random.Next(16) + 'a');
        }

        return bytes;
    }

    private static IReadOnlyList<RootfsEntry> ReadHost(string source)
    {
        var tree = new RootfsTree();
        HostDirectoryReader.AddDirectory(tree, source, "", "test");
        return tree.Sorted();
    }

    private static byte[] Pack(IReadOnlyList<RootfsEntry> entries, MemberCache? cache, long mtime = Mtime, int workers = 2, ContentDigests? digests = null)
    {
        using var output = new MemoryStream();
        using (var gzip = new ParallelGzipStream(output, CompressionLevel.Optimal, workers, leaveOpen: true, cache))
        using (var writer = new ReproducibleTarWriter(gzip, mtime, leaveOpen: true, members: gzip))
        {
            writer.WriteTree(entries, "", digests: digests);
        }

        return output.ToArray();
    }

    private static byte[] Tar(IReadOnlyList<RootfsEntry> entries)
    {
        using var output = new MemoryStream();
        using (var writer = new ReproducibleTarWriter(output, Mtime, leaveOpen: true))
        {
            writer.WriteTree(entries, "");
        }

        return output.ToArray();
    }

    private static byte[] Gunzip(byte[] gz)
    {
        using var input = new GZipStream(new MemoryStream(gz), CompressionMode.Decompress);
        using var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }
}
