using System.IO.Compression;
using System.Runtime.Versioning;
using System.Text;
using OciBundle.Diagnostics;
using OciBundle.Rootfs;
using OciBundle.Tests.Support;

namespace OciBundle.Tests.Rootfs;

/// <summary>
/// Damaged and hostile base archives, one class of defect per test (issue 10): every one is a
/// coded error naming the archive and the entry, never an exception, a silently shorter rootfs,
/// a name merged with another, or a spool that fills the disk.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class HostileArchiveTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    // Class 1: numbers in headers.
    [Theory]
    [InlineData("uid", "99999999999999999999")]
    [InlineData("gid", "99999999999999999999")]
    [InlineData("size", "99999999999999999999")]
    [InlineData("uid", "-5")]
    [InlineData("gid", "-1")]
    [InlineData("uid", "2147483648")]
    [InlineData("size", "-1")]
    [InlineData("uid", "12x")]
    [InlineData("uid", "+5")]
    [InlineData("gid", " 5")]
    [InlineData("size", "1e3")]
    [InlineData("mtime", "yesterday")]
    [InlineData("atime", "1.2.3")]
    [InlineData("ctime", "-")]
    public void A_pax_number_out_of_range_or_malformed_is_corrupt(string key, string value)
    {
        var tar = new RawTar().File("a").Pax((key, value)).File("victim").End();

        var error = Read(tar);

        Assert.Equal("OCIB3005", error.Code);
        Assert.Contains($"{key}={value}", error.Message, StringComparison.Ordinal);
        Assert.Contains("'victim'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_pax_path_names_the_entry_in_the_error()
    {
        var error = Read(new RawTar().Pax(("path", "etc/shadow"), ("uid", "-5")).File("x").End());

        Assert.Equal("OCIB3005", error.Code);
        Assert.Contains("'etc/shadow'", error.Message, StringComparison.Ordinal);
        Assert.Contains("never negative", error.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, int, byte[]> BadHeaderNumbers => new()
    {
        { "uid", 108, "0000009\0"u8.ToArray() },                        // not octal
        { "gid", 116, "12 34\0\0\0"u8.ToArray() },                      // space inside
        { "mode", 100, "rwxr-xr-"u8.ToArray() },
        { "mtime", 136, "tomorrow\0\0\0\0"u8.ToArray() },
        { "size", 124, "-0000000001\0"u8.ToArray() },
        { "uid", 108, [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFB] },  // base-256 -5
        { "gid", 116, [0x80, 0, 0, 0, 0x80, 0, 0, 0] },                 // base-256 2^31
        { "size", 124, [0x80, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF] }, // base-256 past 2^63
        { "size", 124, [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE] }, // base-256 -2
        { "mode", 100, [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF] },  // base-256 -1
    };

    [Theory]
    [MemberData(nameof(BadHeaderNumbers))]
    public void A_header_number_out_of_range_or_malformed_is_corrupt(string field, int offset, byte[] value)
    {
        var tar = new RawTar().File("a").Header("victim", '0', edit: h => RawTar.Put(h, offset, value.Length, value)).End();

        var error = Read(tar);

        Assert.Equal("OCIB3005", error.Code);
        Assert.Contains("'victim'", error.Message, StringComparison.Ordinal);
        Assert.Contains(field, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Large_ids_within_range_are_read_in_every_encoding()
    {
        // 3000000 does not fit 7 octal digits: GNU tar writes it in base-256, PAX writers as a record.
        var base256 = new byte[] { 0x80, 0, 0, 0, 0, 0x2D, 0xC6, 0xC0 };
        var tar = new RawTar()
            .Header("gnu", '0', edit: h => RawTar.Put(h, 108, 8, base256))
            .Pax(("uid", "2147483647"), ("gid", "4000000"), ("mtime", "-12.5"))
            .File("pax")
            .End();

        var tree = Tree(tar);

        Assert.Equal(3000000, Get(tree, "gnu").Uid);
        Assert.Equal((2147483647, 4000000), (Get(tree, "pax").Uid, Get(tree, "pax").Gid));
    }

    // Class 2: an archive is read to its end-of-archive marker or not at all.
    [Fact]
    public void A_bad_checksum_in_the_middle_is_corrupt_not_the_end()
    {
        var tar = new RawTar().File("a").Header("b", '0', checksum: "000001").File("c").End();

        var error = Read(tar);

        Assert.Equal("OCIB3005", error.Code);
        Assert.Contains("bad checksum", error.Message, StringComparison.Ordinal);
        Assert.Contains("(after 'a')", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_checksum_at_the_start_is_corrupt()
    {
        Assert.Equal("OCIB3005", Read(new RawTar().Header("a", '0', checksum: "777777").End()).Code);
    }

    [Fact]
    public void A_checksum_of_signed_bytes_is_accepted_as_gnu_tar_does()
    {
        // Old Sun tar summed bytes as signed: a name byte 0xC3 counts -61, not 195.
        var name = Encoding.UTF8.GetBytes("é");
        long signed = 0;
        var tar = new RawTar().Header(name, '0', edit: h =>
        {
            for (var i = 0; i < 512; i++)
            {
                signed += i is >= 148 and < 156 ? ' ' : (sbyte)h[i];
            }
        });
        var bytes = tar.ToArray();
        Encoding.ASCII.GetBytes(Convert.ToString(signed, 8).PadLeft(6, '0') + "\0 ").CopyTo(bytes, 148);

        var tree = Tree([.. bytes, .. new byte[1024]]);

        Assert.True(tree.Contains("é"));
    }

    public static TheoryData<string, byte[]> CutShort()
    {
        var whole = new RawTar().File("a", new string('x', 1000)).File("b").End().ToArray();
        return new()
        {
            { "in the middle of the data", whole[..1000] },
            { "at a header, without the end marker", whole[..1536] },
            { "inside a header", whole[..1800] },
            { "after one header, with nothing at all", whole[..512] },
            { "an empty file", [] },
            { "after an extended header", new RawTar().File("a").Pax(("path", "b")).ToArray() },
            { "an extended header then the end marker", new RawTar().File("a").Pax(("path", "b")).End().ToArray() },
            { "a block of zeros followed by entries", new RawTar().File("a").End(1).File("c").End().ToArray() },
            { "a long name without its entry", new RawTar().GnuLong('L', "long"u8.ToArray()).End().ToArray() },
            { "inside an extended header's data", new RawTar().Header("PaxHeaders/a", 'x', 600).Data(new byte[100]).ToArray() },
        };
    }

    [Theory]
    [MemberData(nameof(CutShort))]
    public void An_archive_cut_short_is_corrupt(string how, byte[] tar)
    {
        Assert.True(Read(tar).Code == "OCIB3005", how);
    }

    [Fact]
    public void One_block_of_zeros_then_the_end_of_the_stream_ends_the_archive_as_gnu_tar_allows()
    {
        var tree = Tree(new RawTar().File("a").File("b").End(1).ToArray());

        Assert.Equal(["a", "b"], tree.Sorted().Select(e => e.Path));
    }

    [Fact]
    public void Anything_after_the_end_marker_is_ignored_as_gnu_tar_does()
    {
        var tree = Tree([.. new RawTar().File("a").End().ToArray(), .. "trailing bytes"u8.ToArray()]);

        Assert.Equal(["a"], tree.Sorted().Select(e => e.Path));
    }

    [Theory]
    [InlineData('x', 8L << 30)]
    [InlineData('g', 8L << 30)]
    [InlineData('L', 8L << 30)]
    [InlineData('K', 8L << 30)]
    [InlineData('x', TarStreamReader.MaxExtendedHeaderSize + 1L)]
    [InlineData('L', TarStreamReader.MaxExtendedHeaderSize + 1L)]
    public void An_extended_header_above_the_cap_is_corrupt_and_never_read_into_memory(char type, long size)
    {
        // The header claims gigabytes but the file holds a few blocks: refused from the header alone.
        var tar = new RawTar().File("a").Header("././@LongLink", type, size).Data(new byte[4096]).End();

        var error = Read(tar);

        Assert.Equal("OCIB3005", error.Code);
        Assert.Contains("1 MiB", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData('x')]
    [InlineData('g')]
    [InlineData('L')]
    public void Many_extended_headers_below_the_cap_cannot_add_up_past_it(char type)
    {
        // Three headers of 400 KiB each: every one is below 1 MiB, together they are not.
        var tar = new RawTar().File("a");
        for (var i = 0; i < 3; i++)
        {
            var value = Encoding.ASCII.GetBytes(new string('v', 400 << 10));
            _ = type == 'L' ? tar.GnuLong('L', value) : tar.Pax(type, ($"comment{i}", value));
        }

        var error = Read(tar.File("b").End());

        Assert.Equal("OCIB3005", error.Code);
        Assert.Contains("1 MiB) together", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Long_names_below_the_cap_are_read()
    {
        var name = string.Join('/', Enumerable.Repeat(new string('n', 200), 20)); // 4 KiB
        var tree = Tree(new RawTar().GnuLong('L', Encoding.UTF8.GetBytes(name)).File("short").Pax(("path", name + "2")).File("x").End());

        Assert.True(tree.Contains(name));
        Assert.True(tree.Contains(name + "2"));
    }

    [Theory]
    [InlineData("5 a=b\n")]       // length too short for its record
    [InlineData("99 a=b\n")]      // length past the end
    [InlineData("7 ab\n\n")]      // no '='
    [InlineData("6 =b\n\n")]      // empty key
    [InlineData("x a=b\n")]       // length not a number
    [InlineData("7 a=bc\t")]      // not ended by a newline
    public void A_malformed_pax_record_is_corrupt(string records)
    {
        var data = Encoding.ASCII.GetBytes(records);
        var tar = new RawTar().Header("PaxHeaders/a", 'x', data.Length).Data(data).File("a").End();

        Assert.Equal("OCIB3005", Read(tar).Code);
    }

    [Fact]
    public void A_global_pax_header_applies_to_later_entries_and_an_empty_value_removes_it()
    {
        var tar = new RawTar()
            .Pax('g', ("uid", "1000"u8.ToArray()))
            .File("owned")
            .Pax(("uid", ""))
            .Header("reset", '0', edit: h => RawTar.Octal(h, 108, 8, 7))
            .End();

        var tree = Tree(tar);

        Assert.Equal((1000, 7), (Get(tree, "owned").Uid, Get(tree, "reset").Uid));
    }

    [Fact]
    public void Sparse_files_are_unsupported_whichever_way_they_are_written()
    {
        Assert.Equal("OCIB3011", Read(new RawTar().Header("gnu-sparse", 'S').End()).Code);
        Assert.Equal("OCIB3011", Read(new RawTar().Pax(("GNU.sparse.major", "1"), ("GNU.sparse.minor", "0")).File("pax-sparse").End()).Code);
    }

    [Theory]
    [InlineData("empty.tar.gz", "")]
    [InlineData("empty.tar.bz2", "")]
    [InlineData("empty.tar", "")]
    [InlineData("magic-only.tar.bz2", "BZh9")]
    [InlineData("garbage.tar.bz2", "BZh91AY&SY garbage after the block magic")]
    [InlineData("garbage.tar.gz", "\u001f\u008b\u0008\u0000 garbage after the gzip magic")]
    public void A_damaged_or_empty_compressed_stream_is_corrupt(string name, string content)
    {
        var archive = _temp.Combine(name);
        File.WriteAllBytes(archive, Encoding.Latin1.GetBytes(content));

        var error = Assert.Throws<OciBundleException>(() => ArchiveReader.AddArchive(new RootfsTree(), archive, _temp.Combine("spool"), "test")).Diagnostic;

        Assert.Equal("OCIB3005", error.Code);
    }

    // Class 3: names are UTF-8 or refused, never merged.
    public static TheoryData<byte[], string> NonUtf8Names => new()
    {
        { [(byte)'c', (byte)'a', (byte)'f', 0xE9], "caf\\xe9" },
        { [(byte)'c', (byte)'a', (byte)'f', 0xE8], "caf\\xe8" },
        { [0xFF, 0xFE], "\\xff\\xfe" },
        { [(byte)'d', (byte)'/', 0xC3], "d/\\xc3" }, // a sequence cut short
    };

    [Theory]
    [MemberData(nameof(NonUtf8Names))]
    public void A_name_that_is_not_utf8_is_refused_and_shown_escaped(byte[] name, string shown)
    {
        foreach (var tar in new[]
        {
            new RawTar().File("a").File(name, "x"u8.ToArray()).End(),
            new RawTar().GnuLong('L', name).File("short").End(),
            new RawTar().Pax('x', ("path", name)).File("short").End(),
        })
        {
            var error = Read(tar);

            Assert.Equal("OCIB3024", error.Code);
            Assert.Contains($"an entry named '{shown}'", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_link_target_that_is_not_utf8_is_refused()
    {
        var tar = new RawTar().Header("link"u8.ToArray(), '2', link: [(byte)'c', (byte)'a', (byte)'f', 0xE9]).End();

        var error = Read(tar);

        Assert.Equal("OCIB3024", error.Code);
        Assert.Contains("the entry 'link', whose link target is 'caf\\xe9'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Names_that_are_utf8_are_kept_byte_for_byte_even_a_replacement_character()
    {
        var tree = Tree(new RawTar().File("café").File("cafe\u0301").File("caf\uFFFD").End());

        Assert.Equal(["cafe\u0301", "café", "caf\uFFFD"], tree.Sorted().Select(e => e.Path).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_name_with_a_newline_cannot_forge_a_line_in_the_build_log()
    {
        var error = Read(new RawTar().File("../x\nerror OCIB9999: forged").End());

        Assert.Equal("OCIB3003", error.Code);
        Assert.DoesNotContain('\n', error.Message);
        Assert.Contains("'../x\\x0aerror OCIB9999: forged'", error.Message, StringComparison.Ordinal);
    }

    // Class 4: the uncompressed size is capped, and a full spool is a write failure.
    [Fact]
    public void A_gzip_bomb_stops_at_the_size_cap_before_its_data_is_spooled()
    {
        var archive = _temp.Combine("bomb.tar.gz");
        using (var file = File.Create(archive))
        using (var gzip = new GZipStream(file, CompressionLevel.SmallestSize))
        {
            var header = new RawTar().Header("zeros", '0', 64L << 20).ToArray();
            gzip.Write(header);
            var zeros = new byte[1 << 20];
            for (var i = 0; i < 64; i++)
            {
                gzip.Write(zeros);
            }

            gzip.Write(new byte[1024]);
        }

        Assert.True(new FileInfo(archive).Length < 1 << 20);
        var spool = _temp.Combine("spool");
        var error = Assert.Throws<OciBundleException>(() => ArchiveReader.AddArchive(new RootfsTree(), archive, spool, "test", maxSize: 1 << 20)).Diagnostic;

        Assert.Equal("OCIB3023", error.Code);
        Assert.Contains("'zeros'", error.Message, StringComparison.Ordinal);
        Assert.Contains("1048576 bytes", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(spool));
    }

    [Fact]
    public void Many_small_entries_count_against_the_cap_too()
    {
        var tar = new RawTar();
        for (var i = 0; i < 100; i++)
        {
            tar.File($"f{i}");
        }

        var archive = Archive(tar.End());

        Assert.Equal("OCIB3023", Assert.Throws<OciBundleException>(() => ArchiveReader.AddArchive(new RootfsTree(), archive, _temp.Combine("spool"), "test", maxSize: 50 * 1024)).Diagnostic.Code);
        ArchiveReader.AddArchive(new RootfsTree(), archive, _temp.Combine("spool"), "test", maxSize: 103 * 1024);
    }

    [Fact]
    public void A_spool_folder_that_cannot_be_written_is_a_write_failure_not_an_unreadable_archive()
    {
        var archive = Archive(new RawTar().File("a").End());
        var blocker = _temp.Combine("not-a-folder");
        File.WriteAllText(blocker, "");

        var error = Assert.Throws<OciBundleException>(() => ArchiveReader.AddArchive(new RootfsTree(), archive, Path.Combine(blocker, "spool"), "test")).Diagnostic;

        Assert.Equal("OCIB5002", error.Code);
    }

    private Diagnostic Read(RawTar tar) => Read(tar.ToArray());

    private Diagnostic Read(byte[] tar)
    {
        var archive = Archive(tar);
        return Assert.Throws<OciBundleException>(() => ArchiveReader.AddArchive(new RootfsTree(), archive, _temp.Combine("spool"), "test")).Diagnostic;
    }

    private RootfsTree Tree(RawTar tar) => Tree(tar.ToArray());

    private RootfsTree Tree(byte[] tar)
    {
        var tree = new RootfsTree();
        ArchiveReader.AddArchive(tree, Archive(tar), _temp.Combine("spool"), "test");
        return tree;
    }

    private string Archive(RawTar tar) => Archive(tar.ToArray());

    private string Archive(byte[] tar)
    {
        var path = _temp.Combine($"hostile-{Guid.NewGuid():N}.tar");
        File.WriteAllBytes(path, tar);
        return path;
    }

    private static RootfsEntry Get(RootfsTree tree, string path)
    {
        Assert.True(tree.TryGet(path, out var entry), $"'{path}' is not in the tree");
        return entry;
    }
}
