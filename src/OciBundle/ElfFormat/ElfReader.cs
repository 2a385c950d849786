using System.Buffers.Binary;
using System.Text;

namespace OciBundle.ElfFormat;

/// <summary>
/// Reads the ELF header, the program headers and the dynamic section of 32- and 64-bit files of
/// either byte order. Only the loader's view is used (segments, not sections): that is what
/// ld.so reads, and stripped files may have no section headers at all.
/// </summary>
public static class ElfReader
{
    private const uint PtLoad = 1;
    private const uint PtDynamic = 2;
    private const uint PtInterp = 3;
    private const long DtNull = 0;
    private const long DtNeeded = 1;
    private const long DtStrtab = 5;
    private const long DtStrsz = 10;
    private const long DtSoname = 14;
    private const long DtRpath = 15;
    private const long DtRunpath = 29;

    // A sane upper bound, so a corrupt header cannot make us allocate gigabytes.
    private const int MaxTableBytes = 16 * 1024 * 1024;

    private const int MachineOffset = 18; // e_machine: after e_ident (16 bytes) and e_type (2 bytes)

    /// <summary>True when <paramref name="head"/> starts with the ELF magic number.</summary>
    public static bool IsElf(ReadOnlySpan<byte> head) => head.Length >= 4 && head[..4].SequenceEqual("\u007fELF"u8);

    /// <summary>
    /// e_machine, the architecture a program is built for, from the first bytes of a file: the
    /// entrypoint checks and the sysroot probe need no more, and take a file whose other fields
    /// are broken for what its header says.
    /// </summary>
    public static bool TryReadMachine(ReadOnlySpan<byte> head, out int machine)
    {
        machine = 0;
        if (head.Length < MachineOffset + 2 || !IsElf(head))
        {
            return false;
        }

        // e_ident[EI_DATA]: 1 little-endian, 2 big-endian (s390x, some ppc and mips).
        machine = head[5] == 2
            ? (head[MachineOffset] << 8) | head[MachineOffset + 1]
            : head[MachineOffset] | (head[MachineOffset + 1] << 8);
        return true;
    }

    /// <summary>Null when the file is not ELF at all; an <see cref="ElfFormatException"/> when it is, but broken.</summary>
    public static ElfFile? Read(string path)
    {
        using var stream = Platform.InputFiles.OpenRead(path);
        return Read(stream);
    }

    public static ElfFile? Read(Stream stream)
    {
        var ident = new byte[16];
        if (stream.ReadAtLeast(ident, ident.Length, throwOnEndOfStream: false) < 4 || !IsElf(ident))
        {
            return null;
        }

        var file = new Source(stream, ident);
        var type = file.U16(16);
        var machine = file.U16(18);
        var (phoff, phentsize, phnum) = file.Is64
            ? ((long)file.U64(32), file.U16(54), file.U16(56))
            : (file.U32(28), file.U16(42), file.U16(44));
        if (phnum > 0 && phentsize < (file.Is64 ? 56 : 32))
        {
            throw new ElfFormatException($"program header entries of {phentsize} bytes are too small");
        }

        var segments = new List<Segment>();
        for (var i = 0; i < phnum; i++)
        {
            segments.Add(file.Segment(phoff + ((long)i * phentsize)));
        }

        string? interpreter = null;
        if (segments.FirstOrDefault(s => s.Type == PtInterp) is { } interp)
        {
            interpreter = Encoding.UTF8.GetString(file.Bytes(interp.Offset, interp.FileSize)).TrimEnd('\0');
        }

        var result = new ElfFile { Is64Bit = file.Is64, IsBigEndian = file.BigEndian, Type = type, Machine = machine, Interpreter = interpreter };
        return segments.FirstOrDefault(s => s.Type == PtDynamic) is { } dynamic
            ? ReadDynamic(file, dynamic, segments.Where(s => s.Type == PtLoad).ToList(), result)
            : result;
    }

    private static ElfFile ReadDynamic(Source file, Segment dynamic, List<Segment> loads, ElfFile result)
    {
        var entrySize = file.Is64 ? 16 : 8;
        var entries = new List<(long Tag, ulong Value)>();
        for (long at = 0; at + entrySize <= dynamic.FileSize; at += entrySize)
        {
            var offset = dynamic.Offset + at;
            var entry = file.Is64 ? ((long)file.U64(offset), file.U64(offset + 8)) : (file.U32(offset), (ulong)file.U32(offset + 4));
            if (entry.Item1 == DtNull)
            {
                break;
            }

            entries.Add(entry);
        }

        var strtab = entries.FirstOrDefault(e => e.Tag == DtStrtab);
        if (strtab.Tag == 0)
        {
            return entries.Any(e => e.Tag is DtNeeded or DtSoname or DtRpath or DtRunpath)
                ? throw new ElfFormatException("the dynamic section has no string table (DT_STRTAB)")
                : result;
        }

        // DT_STRTAB is a virtual address: the PT_LOAD segment that holds it says where it is in the file.
        var tableOffset = ToFileOffset(loads, strtab.Value);
        var size = entries.FirstOrDefault(e => e.Tag == DtStrsz).Value;
        var available = file.Length - tableOffset;
        var table = file.Bytes(tableOffset, (long)Math.Min(size == 0 ? (ulong)available : size, (ulong)Math.Min(available, MaxTableBytes)));
        string String(ulong index)
        {
            if (index >= (ulong)table.Length)
            {
                throw new ElfFormatException($"a dynamic entry points past the string table ({index} ≥ {table.Length})");
            }

            var end = Array.IndexOf(table, (byte)0, (int)index);
            return Encoding.UTF8.GetString(table, (int)index, (end < 0 ? table.Length : end) - (int)index);
        }

        static string[] Paths(string list) => list.Split(':', StringSplitOptions.RemoveEmptyEntries);
        return result with
        {
            Needed = entries.Where(e => e.Tag == DtNeeded).Select(e => String(e.Value)).ToList(),
            RunPath = entries.Where(e => e.Tag == DtRunpath).SelectMany(e => Paths(String(e.Value))).ToList(),
            RPath = entries.Where(e => e.Tag == DtRpath).SelectMany(e => Paths(String(e.Value))).ToList(),
            SoName = entries.Where(e => e.Tag == DtSoname).Select(e => String(e.Value)).FirstOrDefault(),
        };
    }

    private static long ToFileOffset(List<Segment> loads, ulong address)
    {
        foreach (var load in loads)
        {
            if (address >= load.VirtualAddress && address < load.VirtualAddress + (ulong)load.FileSize)
            {
                return load.Offset + (long)(address - load.VirtualAddress);
            }
        }

        throw new ElfFormatException($"the string table's address 0x{address:x} is in no loadable segment");
    }

    private sealed record Segment(uint Type, long Offset, ulong VirtualAddress, long FileSize);

    /// <summary>Bounds-checked, byte-order-aware reads at absolute offsets.</summary>
    private sealed class Source
    {
        private readonly Stream _stream;

        public Source(Stream stream, byte[] ident)
        {
            _stream = stream;
            Is64 = ident[4] switch
            {
                1 => false,
                2 => true,
                var c => throw new ElfFormatException($"unknown ELF class {c} (1 is 32-bit, 2 is 64-bit)"),
            };
            BigEndian = ident[5] switch
            {
                1 => false,
                2 => true,
                var d => throw new ElfFormatException($"unknown ELF data encoding {d} (1 is little-endian, 2 is big-endian)"),
            };
            Length = stream.Length;
            if (Length < (Is64 ? 64 : 52))
            {
                throw new ElfFormatException($"the file is {Length} bytes, shorter than an ELF header");
            }
        }

        public bool Is64 { get; }

        public bool BigEndian { get; }

        public long Length { get; }

        public Segment Segment(long offset) => Is64
            ? new Segment(U32(offset), (long)U64(offset + 8), U64(offset + 16), (long)U64(offset + 32))
            : new Segment(U32(offset), U32(offset + 4), U32(offset + 8), U32(offset + 16));

        public ushort U16(long offset)
        {
            var b = Bytes(offset, 2);
            return BigEndian ? BinaryPrimitives.ReadUInt16BigEndian(b) : BinaryPrimitives.ReadUInt16LittleEndian(b);
        }

        public uint U32(long offset)
        {
            var b = Bytes(offset, 4);
            return BigEndian ? BinaryPrimitives.ReadUInt32BigEndian(b) : BinaryPrimitives.ReadUInt32LittleEndian(b);
        }

        public ulong U64(long offset)
        {
            var b = Bytes(offset, 8);
            return BigEndian ? BinaryPrimitives.ReadUInt64BigEndian(b) : BinaryPrimitives.ReadUInt64LittleEndian(b);
        }

        public byte[] Bytes(long offset, long count)
        {
            if (offset < 0 || count < 0 || count > MaxTableBytes || offset > Length - count)
            {
                throw new ElfFormatException($"{count} bytes at offset {offset} lie outside the file ({Length} bytes): it is truncated or corrupt");
            }

            var buffer = new byte[count];
            _stream.Position = offset;
            _stream.ReadExactly(buffer);
            return buffer;
        }
    }
}
