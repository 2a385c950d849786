using System.Formats.Tar;
using System.IO.Compression;
using System.Text.RegularExpressions;

namespace OciBundle.EndToEnd.Tests;

/// <summary>
/// The gzip member cache in obj/, through real builds: a rebuild after a change gives the bytes a
/// cold build (a fresh copy of the project, no obj/) gives; a file rewritten and back-dated with
/// <c>touch -d</c> is never served stale; a damaged or deleted cache only costs time. Reuse is
/// read from OCIB5013 at -v:d, never from timing.
/// </summary>
[Collection(SdkFeedCollection.Name)]
public sealed class MemberCacheTests(SdkFeed feed)
{
    private const string RootfsName = "rootfs.tar.gz";

    [Fact]
    public void A_rebuild_after_one_small_change_reuses_the_rest_and_equals_a_cold_build()
    {
        var project = Create("cache-one-file");
        var first = Members(project.BuildSucceeds("-v:d"));
        Assert.Equal(0, first.Reused);
        Assert.True(first.Total >= 8, $"{first.Total} members");

        File.WriteAllText(Path.Combine(project.Directory, "base/etc/conf-07.txt"), "changed\n");
        var warm = Members(project.BuildSucceeds("-v:d"));
        Assert.InRange(warm.Total - warm.Reused, 1, 3); // the group holding the changed file (and the next, until the cuts meet again)

        AssertSameAsColdBuild(project, "cache-one-file-cold");
    }

    [Fact]
    public void A_file_rewritten_with_its_size_and_mtime_touched_back_is_packed_anew()
    {
        var project = Create("cache-touch-back");
        project.BuildSucceeds("-v:d");

        var big = Path.Combine(project.Directory, "base/usr/lib/big-1.bin");
        var bytes = File.ReadAllBytes(big);
        var mtime = ProcessResult.Run("stat", ["-c", "%y", big]).StdOut.Trim();
        bytes[1_500_000] ^= 0x20; // same size
        File.WriteAllBytes(big, bytes);
        var touched = ProcessResult.Run("touch", ["-d", mtime, big]);
        Assert.Equal(0, touched.ExitCode);
        Assert.Equal(mtime, ProcessResult.Run("stat", ["-c", "%y", big]).StdOut.Trim());

        // The stamp sees size and mtime only, so a property change forces the rewrite.
        var warm = Members(project.BuildSucceeds("-v:d", "-p:OciHostname=touched"));
        Assert.True(warm.Reused > 0, $"{warm.Reused} of {warm.Total}");
        Assert.Equal(bytes, ReadFromRootfs(project.BundleFile(RootfsName), "usr/lib/big-1.bin"));

        AssertSameAsColdBuild(project, "cache-touch-back-cold", "-p:OciHostname=touched");
    }

    [Fact]
    public void A_small_file_rewritten_with_its_size_and_mtime_touched_back_is_packed_and_listed_anew()
    {
        var project = Create("cache-small-touch-back");
        Thread.Sleep(TimeSpan.FromSeconds(4)); // past the racy window: the first build keys small files by identity
        project.BuildSucceeds("-v:d");
        var again = Members(project.BuildSucceeds("-v:d", "-p:OciHostname=again"));
        Assert.Equal(again.Total, again.Reused); // nothing changed in the rootfs: every group by identity, no file read

        var conf = Path.Combine(project.Directory, "base/etc/conf-11.txt");
        var bytes = File.ReadAllBytes(conf);
        var oldDigest = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(bytes)).ToLowerInvariant();
        var mtime = ProcessResult.Run("stat", ["-c", "%y", conf]).StdOut.Trim();
        bytes[20] = (byte)(bytes[20] == (byte)'x' ? 'y' : 'x'); // same size
        File.WriteAllBytes(conf, bytes);
        Assert.Equal(0, ProcessResult.Run("touch", ["-d", mtime, conf]).ExitCode);
        Assert.Equal(mtime, ProcessResult.Run("stat", ["-c", "%y", conf]).StdOut.Trim());
        Thread.Sleep(TimeSpan.FromSeconds(4)); // and this one too: only its new ctime can tell

        var warm = Members(project.BuildSucceeds("-v:d", "-p:OciHostname=touched"));
        Assert.InRange(warm.Total - warm.Reused, 1, 3);
        Assert.Equal(bytes, ReadFromRootfs(project.BundleFile(RootfsName), "etc/conf-11.txt"));
        var sbom = File.ReadAllText(project.BundleFile("sbom.spdx.json"));
        Assert.Contains(Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(bytes)).ToLowerInvariant(), sbom);
        Assert.DoesNotContain(oldDigest, sbom);

        AssertSameAsColdBuild(project, "cache-small-touch-back-cold", "-p:OciHostname=touched");
    }

    [Theory]
    [InlineData("flip")]
    [InlineData("truncate")]
    [InlineData("delete")]
    public void A_damaged_or_deleted_cache_only_costs_time(string damage)
    {
        var project = Create("cache-damage-" + damage);
        var first = Members(project.BuildSucceeds("-v:d"));
        var folder = Assert.Single(Directory.GetDirectories(Path.Combine(project.Directory, "obj"), "oci-bundle-members", SearchOption.AllDirectories));
        Assert.Empty(Directory.GetFiles(folder, "*.gzm")); // no second copy: the members are indexed in the output
        var index = Path.Combine(folder, "members.idx");
        Assert.True(new FileInfo(index).Length > 0);
        if (damage == "flip")
        {
            var b = File.ReadAllBytes(index);
            b[b.Length / 2] ^= 0x01;
            File.WriteAllBytes(index, b);
        }
        else if (damage == "truncate")
        {
            using var stream = new FileStream(index, FileMode.Open);
            stream.SetLength(stream.Length / 2);
        }
        else
        {
            Directory.Delete(folder, recursive: true);
        }

        var damaged = Members(project.BuildSucceeds("-v:d", "-p:OciHostname=after-" + damage));
        Assert.Equal(0, damaged.Reused);
        Assert.Equal(damage == "delete" ? 0 : 1, damaged.Dropped); // the index, dropped whole
        Assert.True(first.Total > 3, $"{first.Total} members");

        AssertSameAsColdBuild(project, $"cache-damage-{damage}-cold", "-p:OciHostname=after-" + damage);
    }

    [Theory]
    [InlineData("deleted")]
    [InlineData("replaced-with-its-own-bytes")]
    public void A_previous_output_deleted_or_replaced_is_recompressed_never_trusted(string change)
    {
        var project = Create("cache-output-" + change);
        project.BuildSucceeds("-v:d");
        var rootfs = project.BundleFile(RootfsName);
        if (change == "deleted")
        {
            File.Delete(rootfs);
        }
        else
        {
            // The same bytes under another inode: the ownership check hashes it and accepts it, but
            // the index names the file the stamp recorded, so nothing is copied from this one.
            File.Copy(rootfs, rootfs + ".copy");
            File.Move(rootfs + ".copy", rootfs, overwrite: true);
        }

        var again = Members(project.BuildSucceeds("-v:d", "-p:OciHostname=after-" + change));
        Assert.Equal(0, again.Reused);
        Assert.Equal(0, again.Dropped);

        // And the build after that copies from the output it wrote.
        var next = Members(project.BuildSucceeds("-v:d", "-p:OciHostname=next-" + change));
        Assert.InRange(next.Total - next.Reused, 0, 3);
        AssertSameAsColdBuild(project, $"cache-output-{change}-cold", "-p:OciHostname=next-" + change);
    }

    [Fact]
    public void A_new_source_date_epoch_rewrites_headers_and_reuses_file_data()
    {
        var project = Create("cache-epoch");
        project.BuildSucceeds("-v:d");

        var warm = Members(project.BuildSucceeds("-v:d", "-p:OciSourceDateEpoch=1700000000"));
        // big-1.bin and big-2.bin: 3 + 2 chunks of data, whose bytes do not hold the mtime.
        Assert.InRange(warm.Reused, 5, warm.Total - 1);

        AssertSameAsColdBuild(project, "cache-epoch-cold", "-p:OciSourceDateEpoch=1700000000");
    }

    private TestProject Create(string name)
    {
        var project = Projects.CreateShow(feed, name, extraProperties: "<OciBaseRootfs>base</OciBaseRootfs>");
        var random = new Random(15);
        var etc = Path.Combine(project.Directory, "base/etc");
        var lib = Path.Combine(project.Directory, "base/usr/lib");
        Directory.CreateDirectory(etc);
        Directory.CreateDirectory(lib);
        for (var i = 0; i < 30; i++)
        {
            File.WriteAllText(Path.Combine(etc, $"conf-{i:00}.txt"), string.Concat(Enumerable.Range(0, 400 + (i * 50)).Select(n => $"option{n % 17} = {random.Next(1000)}\n")));
        }

        File.WriteAllBytes(Path.Combine(lib, "big-1.bin"), Compressible(random, (2 << 20) + 777));
        File.WriteAllBytes(Path.Combine(lib, "big-2.bin"), Compressible(random, (1 << 20) + 3));
        File.WriteAllBytes(Path.Combine(lib, "medium.bin"), Compressible(random, 400 << 10));
        return project;
    }

    private static byte[] Compressible(Random random, int length)
    {
        var bytes = new byte[length];
        for (var i = 0; i < length; i++)
        {
            bytes[i] = (byte)('a' + random.Next(20));
        }

        return bytes;
    }

    private static (int Reused, int Total, int Dropped) Members(ProcessResult build)
    {
        var match = Regex.Match(build.StdOut, @"OCIB5013: gzip members by [^:]+: reused ([0-9]+) of ([0-9]+) from the member cache '[^']+' \(([0-9]+) damaged");
        Assert.True(match.Success, build.StdOut);
        return (int.Parse(match.Groups[1].Value), int.Parse(match.Groups[2].Value), int.Parse(match.Groups[3].Value));
    }

    /// <summary>A fresh copy of the project (no bin/, no obj/, so no cache) built the same way gives the same rootfs bytes.</summary>
    private static void AssertSameAsColdBuild(TestProject project, string copyName, params string[] args)
    {
        var cold = project.CopyTo(copyName);
        var build = cold.BuildSucceeds(["-v:d", .. args]);
        Assert.Equal(0, Members(build).Reused);
        Assert.Equal(File.ReadAllBytes(cold.BundleFile(RootfsName)), File.ReadAllBytes(project.BundleFile(RootfsName)));
        var listing = ProcessResult.Run("tar", ["-tzf", project.BundleFile(RootfsName)]);
        Assert.Equal(0, listing.ExitCode);
        Assert.Contains("usr/lib/big-1.bin", listing.StdOut);
    }

    private static byte[] ReadFromRootfs(string tarGz, string name)
    {
        using var reader = new TarReader(new GZipStream(File.OpenRead(tarGz), CompressionMode.Decompress));
        while (reader.GetNextEntry() is { } entry)
        {
            if (entry.Name == name && entry.DataStream is { } data)
            {
                using var copy = new MemoryStream();
                data.CopyTo(copy);
                return copy.ToArray();
            }
        }

        throw new InvalidOperationException($"{name} is not in {tarGz}");
    }
}
