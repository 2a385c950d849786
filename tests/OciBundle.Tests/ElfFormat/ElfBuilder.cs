using System.Buffers.Binary;
using System.Text;

namespace OciBundle.Tests.ElfFormat;

/// <summary>
/// Writes a minimal 32-bit ELF file: a header, three program headers (PT_LOAD over the whole
/// file, PT_INTERP, PT_DYNAMIC), the interpreter path, a string table and a dynamic section.
/// The machine has no 32-bit or big-endian programs to test on; this one is made to measure.
/// </summary>
internal static class ElfBuilder
{
    public static byte[] Build32(bool bigEndian, ushort machine, string interpreter, string[] needed, string runPath)
    {
        const int HeaderSize = 52, ProgramHeaderSize = 32, ProgramHeaders = 3;
        var strings = new List<byte> { 0 };
        int Add(string s)
        {
            var at = strings.Count;
            strings.AddRange(Encoding.UTF8.GetBytes(s));
            strings.Add(0);
            return at;
        }

        var neededOffsets = needed.Select(Add).ToList();
        var runPathOffset = Add(runPath);
        var interpBytes = Encoding.UTF8.GetBytes(interpreter + "\0");

        var interpAt = HeaderSize + (ProgramHeaderSize * ProgramHeaders);
        var strtabAt = interpAt + interpBytes.Length;
        var dynamicAt = strtabAt + strings.Count;
        var dynamic = new List<(uint Tag, uint Value)>();
        dynamic.AddRange(neededOffsets.Select(o => (1u, (uint)o)));
        dynamic.Add((29, (uint)runPathOffset));
        dynamic.Add((5, (uint)strtabAt)); // addresses equal file offsets: PT_LOAD maps the file at 0
        dynamic.Add((10, (uint)strings.Count));
        dynamic.Add((0, 0));
        var size = dynamicAt + (dynamic.Count * 8);
        var file = new byte[size];

        void U16(int at, int v)
        {
            if (bigEndian)
            {
                BinaryPrimitives.WriteUInt16BigEndian(file.AsSpan(at), (ushort)v);
            }
            else
            {
                BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(at), (ushort)v);
            }
        }

        void U32(int at, long v)
        {
            if (bigEndian)
            {
                BinaryPrimitives.WriteUInt32BigEndian(file.AsSpan(at), (uint)v);
            }
            else
            {
                BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(at), (uint)v);
            }
        }

        "\u007fELF"u8.CopyTo(file);
        file[4] = 1; // 32-bit
        file[5] = (byte)(bigEndian ? 2 : 1);
        file[6] = 1;
        U16(16, 2); // ET_EXEC
        U16(18, machine);
        U32(28, HeaderSize); // e_phoff
        U16(42, ProgramHeaderSize);
        U16(44, ProgramHeaders);

        void ProgramHeader(int index, uint type, int offset, int length)
        {
            var at = HeaderSize + (index * ProgramHeaderSize);
            U32(at, type);
            U32(at + 4, offset);
            U32(at + 8, offset); // p_vaddr
            U32(at + 16, length);
        }

        ProgramHeader(0, 1, 0, size);
        ProgramHeader(1, 3, interpAt, interpBytes.Length);
        ProgramHeader(2, 2, dynamicAt, dynamic.Count * 8);
        interpBytes.CopyTo(file, interpAt);
        strings.ToArray().CopyTo(file, strtabAt);
        for (var i = 0; i < dynamic.Count; i++)
        {
            U32(dynamicAt + (i * 8), dynamic[i].Tag);
            U32(dynamicAt + (i * 8) + 4, dynamic[i].Value);
        }

        return file;
    }
}
