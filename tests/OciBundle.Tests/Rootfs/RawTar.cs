using System.Globalization;
using System.Text;

namespace OciBundle.Tests.Rootfs;

/// <summary>
/// Builds tar streams block by block, so a test can write what no tar tool writes: bad checksums,
/// numbers that overflow, names that are not UTF-8, headers that lie about their size.
/// </summary>
internal sealed class RawTar
{
    private readonly MemoryStream _bytes = new();

    /// <summary>
    /// A ustar header. <paramref name="edit"/> may change any byte of it afterwards; the checksum
    /// is then computed unless <paramref name="checksum"/> says otherwise.
    /// </summary>
    public RawTar Header(byte[] name, char type, long size = 0, Action<byte[]>? edit = null, string? checksum = null, byte[]? link = null)
    {
        var header = new byte[512];
        name.CopyTo(header, 0);
        Octal(header, 100, 8, 0b110_100_100);
        Octal(header, 108, 8, 0);
        Octal(header, 116, 8, 0);
        Octal(header, 124, 12, size);
        Octal(header, 136, 12, 0);
        header[156] = (byte)type;
        link?.CopyTo(header, 157);
        "ustar\u000000"u8.CopyTo(header.AsSpan(257));
        edit?.Invoke(header);
        var sum = checksum ?? Convert.ToString(Sum(header), 8);
        Encoding.ASCII.GetBytes(sum.PadLeft(6, '0') + "\0 ").CopyTo(header, 148);
        _bytes.Write(header);
        return this;
    }

    public RawTar Header(string name, char type, long size = 0, Action<byte[]>? edit = null, string? checksum = null) =>
        Header(Encoding.UTF8.GetBytes(name), type, size, edit, checksum);

    public RawTar File(string name, string content = "data") => File(Encoding.UTF8.GetBytes(name), Encoding.UTF8.GetBytes(content));

    public RawTar File(byte[] name, byte[] content) => Header(name, '0', content.Length).Data(content);

    /// <summary>A PAX extended header ('x', or 'g' for a global one) holding the records in order.</summary>
    public RawTar Pax(params (string Key, string Value)[] records) => Pax('x', records.Select(r => (r.Key, Encoding.UTF8.GetBytes(r.Value))).ToArray());

    public RawTar Pax(char type, params (string Key, byte[] Value)[] records)
    {
        var data = new MemoryStream();
        foreach (var (key, value) in records)
        {
            var body = Encoding.UTF8.GetByteCount(key) + value.Length + 3; // ' ', '=', '\n'
            var length = body + body.ToString(CultureInfo.InvariantCulture).Length;
            if (length.ToString(CultureInfo.InvariantCulture).Length != body.ToString(CultureInfo.InvariantCulture).Length)
            {
                length++;
            }

            data.Write(Encoding.UTF8.GetBytes($"{length} {key}="));
            data.Write(value);
            data.WriteByte((byte)'\n');
        }

        return Header("PaxHeaders/entry", type, data.Length).Data(data.ToArray());
    }

    /// <summary>A GNU long name ('L') or long link ('K') header with its data.</summary>
    public RawTar GnuLong(char type, byte[] name) => Header("././@LongLink", type, name.Length + 1).Data([.. name, 0]);

    /// <summary>Data, padded with zeros to a whole block.</summary>
    public RawTar Data(byte[] data)
    {
        _bytes.Write(data);
        _bytes.Write(new byte[(512 - (data.Length % 512)) % 512]);
        return this;
    }

    /// <summary>The end-of-archive marker: <paramref name="blocks"/> blocks of zeros.</summary>
    public RawTar End(int blocks = 2) => Data(new byte[512 * blocks]);

    public byte[] ToArray() => _bytes.ToArray();

    /// <summary>Octal with a NUL when it fits, the whole field when it just fits (as GNU tar does), else GNU base-256.</summary>
    public static void Octal(byte[] header, int offset, int length, long value)
    {
        var digits = Convert.ToString(value, 8);
        if (digits.Length <= length)
        {
            Put(header, offset, length, Encoding.ASCII.GetBytes(digits.Length == length ? digits : digits.PadLeft(length - 1, '0')));
            return;
        }

        header.AsSpan(offset, length).Clear();
        header[offset] = 0x80;
        for (var i = offset + length - 1; value > 0; i--, value >>= 8)
        {
            header[i] = (byte)value;
        }
    }

    /// <summary>Writes <paramref name="text"/> into a field, padding it with NULs.</summary>
    public static void Put(byte[] header, int offset, int length, byte[] text)
    {
        header.AsSpan(offset, length).Clear();
        text.CopyTo(header, offset);
    }

    private static long Sum(byte[] header)
    {
        long sum = 0;
        for (var i = 0; i < 512; i++)
        {
            sum += i is >= 148 and < 156 ? ' ' : header[i];
        }

        return sum;
    }
}
