using OciBundle.ElfFormat;
using OciBundle.Tests.Support;

namespace OciBundle.Tests.ElfFormat;

/// <summary>The ELF reader on this machine's own programs, and on files that only look like ELF.</summary>
public sealed class ElfReaderTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Ls_needs_the_C_library_and_names_its_loader()
    {
        var elf = ElfReader.Read("/bin/ls");

        Assert.NotNull(elf);
        Assert.Equal(ElfFile.TypeShared, elf.Type); // a position-independent program
        Assert.Contains("libc.so.6", elf.Needed);
        Assert.StartsWith("/lib", elf.Interpreter);
        Assert.True(elf.IsDynamic);
        Assert.False(elf.IsBigEndian);
    }

    [Fact]
    public void A_static_busybox_needs_nothing()
    {
        var elf = ElfReader.Read("/bin/busybox");

        Assert.NotNull(elf);
        Assert.Null(elf.Interpreter);
        Assert.Empty(elf.Needed);
        Assert.False(elf.IsDynamic);
    }

    [Fact]
    public void The_C_library_names_itself_and_its_loader()
    {
        // Where Debian, Ubuntu and Fedora keep it; a recursive search of /usr/lib is far too slow.
        var libc = new[] { "/lib/x86_64-linux-gnu/libc.so.6", "/lib/aarch64-linux-gnu/libc.so.6", "/lib64/libc.so.6" }.First(File.Exists);
        var elf = ElfReader.Read(libc)!;

        Assert.Equal("libc.so.6", elf.SoName);
        Assert.Contains(elf.Needed, n => n.StartsWith("ld-linux", StringComparison.Ordinal));
    }

    [Fact]
    public void A_file_that_is_not_ELF_is_null()
    {
        Assert.Null(ElfReader.Read(Write("#!/bin/sh\necho hi\n"u8.ToArray())));
        Assert.Null(ElfReader.Read(Write([])));
    }

    [Fact]
    public void A_truncated_file_is_a_format_error()
    {
        var ls = File.ReadAllBytes("/bin/ls");
        var error = Assert.Throws<ElfFormatException>(() => ElfReader.Read(Write(ls[..40])));
        Assert.Contains("shorter than an ELF header", error.Message);

        // The header is whole, but the program headers it points at are cut off.
        error = Assert.Throws<ElfFormatException>(() => ElfReader.Read(Write(ls[..100])));
        Assert.Contains("outside the file", error.Message);
    }

    [Fact]
    public void An_unknown_class_or_byte_order_is_a_format_error()
    {
        var ls = File.ReadAllBytes("/bin/ls");
        var wrongClass = (byte[])ls.Clone();
        wrongClass[4] = 3;
        Assert.Contains("class 3", Assert.Throws<ElfFormatException>(() => ElfReader.Read(Write(wrongClass))).Message);

        var wrongOrder = (byte[])ls.Clone();
        wrongOrder[5] = 0;
        Assert.Contains("data encoding 0", Assert.Throws<ElfFormatException>(() => ElfReader.Read(Write(wrongOrder))).Message);
    }

    [Fact]
    public void A_64_bit_file_read_as_32_bit_fails_cleanly_or_reads_nothing_of_its_own()
    {
        // The wrong class makes every offset wrong: the reader must fail with its own error, never crash.
        var ls = File.ReadAllBytes("/bin/ls");
        ls[4] = 1;
        try
        {
            var elf = ElfReader.Read(Write(ls));
            Assert.False(elf!.Is64Bit);
            Assert.DoesNotContain("libc.so.6", elf.Needed);
        }
        catch (ElfFormatException)
        {
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Hand_made_32_bit_files_of_either_byte_order_are_read(bool bigEndian)
    {
        var elf = ElfReader.Read(Write(ElfBuilder.Build32(bigEndian, machine: 8, interpreter: "/lib/ld.so.1", needed: ["libc.so.6", "libm.so.6"], runPath: "$ORIGIN/../lib:/opt/lib")))!;

        Assert.False(elf.Is64Bit);
        Assert.Equal(bigEndian, elf.IsBigEndian);
        Assert.Equal(8, elf.Machine); // MIPS: a big-endian architecture
        Assert.Equal("/lib/ld.so.1", elf.Interpreter);
        Assert.Equal(["libc.so.6", "libm.so.6"], elf.Needed);
        Assert.Equal(["$ORIGIN/../lib", "/opt/lib"], elf.RunPath);
    }

    [Fact]
    public void RunPath_expands_origin_and_wins_over_RPath()
    {
        var elf = new ElfFile { Is64Bit = true, IsBigEndian = false, Type = ElfFile.TypeShared, Machine = 62, RunPath = ["$ORIGIN/lib", "${ORIGIN}/../x", "relative", "$LIB/y"], RPath = ["/ignored"] };

        Assert.Equal(["/app/lib", "/app/../x"], LibraryDirectories.OwnSearchPath(elf, "/app"));
        Assert.Equal(["/old"], LibraryDirectories.OwnSearchPath(elf with { RunPath = [], RPath = ["/old"] }, "/app"));
    }

    private string Write(byte[] content)
    {
        var path = _temp.Combine(Guid.NewGuid().ToString("N"));
        File.WriteAllBytes(path, content);
        return path;
    }
}
