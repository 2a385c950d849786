using System.Globalization;
using System.Text;
using OciBundle.Diagnostics;

namespace OciBundle.Rootfs;

internal enum TarMemberKind
{
    RegularFile,
    Directory,
    SymbolicLink,
    HardLink,
    CharacterDevice,
    BlockDevice,
    Fifo,

    /// <summary>A kind the rootfs cannot hold (sparse files, multi-volume parts, ...); <see cref="TarMember.KindName"/> says which.</summary>
    Unsupported,
}

/// <summary>One member of a tar stream: its names decoded as UTF-8 and its numbers checked.</summary>
internal sealed record TarMember(string Name, TarMemberKind Kind, string KindName, int Mode, int Uid, int Gid, long Size, string LinkName);

/// <summary>
/// Reads a tar stream (v7, ustar, GNU and PAX headers) member by member, refusing what GNU tar
/// refuses and more, so that a damaged or hostile archive is an error and never a shorter rootfs:
/// <list type="bullet">
/// <item>every header's checksum is checked, a short header or short data is an error, and the
/// archive must end with its end-of-archive marker (two blocks of zeros, or one followed by the
/// end of the stream, which GNU tar accepts too); a block of zeros followed by anything else is an
/// error, where GNU tar only warns and stops;</item>
/// <item>numbers (octal, GNU base-256, PAX decimal) are parsed without overflow; ids and sizes
/// must be whole numbers from 0 up, ids at most 2147483647;</item>
/// <item>PAX extended headers and GNU long names are read into memory only up to
/// <see cref="MaxExtendedHeaderSize"/>;</item>
/// <item>names and link targets must be valid UTF-8 (OCIB3024), so two names never decode to one;</item>
/// <item>the uncompressed stream is read only up to a byte budget (OCIB3023), so a compression
/// bomb cannot fill the disk with its spool.</item>
/// </list>
/// Every error names the archive and the entry; none is an unhandled exception.
/// </summary>
internal sealed class TarStreamReader(Stream stream, string archivePath, string origin, long maxSize)
{
    /// <summary>The largest PAX extended header or GNU long name/link OciBundle reads (1 MiB): far above PATH_MAX and real xattrs.</summary>
    public const int MaxExtendedHeaderSize = 1 << 20;

    private const int BlockSize = 512;
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly byte[] _header = new byte[BlockSize];
    private readonly Dictionary<string, byte[]> _globals = new(StringComparer.Ordinal);
    private long _offset;
    private long _remaining;
    private int _padding;
    private string? _current;
    private bool _ended;

    /// <summary>Bytes read from the uncompressed stream so far.</summary>
    public long Position => _offset;

    /// <summary>The next member, or null after the end-of-archive marker. Skips the data of the previous member that was not read.</summary>
    public TarMember? Next()
    {
        if (_ended)
        {
            return null;
        }

        Skip(_remaining + _padding);
        _remaining = 0;
        _padding = 0;

        Dictionary<string, byte[]>? locals = null;
        byte[]? longName = null;
        byte[]? longLink = null;
        var extended = 0L; // bytes of extended headers read for this entry so far
        while (true)
        {
            var start = _offset;
            var pending = locals is not null || longName is not null || longLink is not null;
            if (!ReadBlock(_header, start))
            {
                throw Corrupt(pending
                    ? $"it ends right after the extended header at byte {start}, before the entry it describes; it was cut short"
                    : $"it ends at byte {start}{After} without the end-of-archive marker (two blocks of zeros); it was cut short");
            }

            if (_header.AsSpan().IndexOfAnyExcept((byte)0) < 0)
            {
                if (pending)
                {
                    throw Corrupt($"the extended header before byte {start} is followed by the end-of-archive marker, not by an entry");
                }

                if (!ReadBlock(_header, _offset) || _header.AsSpan().IndexOfAnyExcept((byte)0) < 0)
                {
                    _ended = true;
                    return null;
                }

                throw Corrupt($"a block of zeros at byte {start}{After} is followed by more entries; the archive is damaged there, and the entries after it would be lost");
            }

            var label = Display(locals is not null && Lookup(locals, "path") is { } p ? p : longName ?? Field(_header, 0, 100));
            CheckChecksum(start, label);
            var type = (char)_header[156];
            var size = HeaderNumber(124, 12, "size", label);
            if (size < 0)
            {
                throw Corrupt($"the entry '{label}' has a negative size ({size}) in its header");
            }

            switch (type)
            {
                case 'x':
                    locals ??= new Dictionary<string, byte[]>(StringComparer.Ordinal);
                    foreach (var (key, value) in ParsePax(ReadExtension(size, ref extended, "PAX extended header", label), label))
                    {
                        locals[key] = value;
                    }

                    continue;
                case 'g':
                    var global = 0L;
                    foreach (var (key, value) in ParsePax(ReadExtension(size, ref global, "PAX global header", label), label))
                    {
                        _globals[key] = value;
                    }

                    // Each global header is capped, and so is what they hold together: they stay in memory to the end.
                    if (_globals.Sum(g => (long)g.Key.Length + g.Value.Length) > MaxExtendedHeaderSize)
                    {
                        throw Corrupt($"its PAX global headers hold more than {MaxExtendedHeaderSize} bytes (1 MiB) together, more than OciBundle keeps; the archive is damaged or hostile");
                    }

                    continue;
                case 'L':
                    longName = TrimNul(ReadExtension(size, ref extended, "GNU long name", label));
                    continue;
                case 'K':
                    longLink = TrimNul(ReadExtension(size, ref extended, "GNU long link name", label));
                    continue;
                default:
                    return Member(type, size, locals, longName, longLink, label);
            }
        }
    }

    /// <summary>Reads the current member's data into <paramref name="buffer"/>: 0 at its end, an error (OCIB3005) if the stream ends first.</summary>
    public int ReadData(Span<byte> buffer)
    {
        var wanted = (int)Math.Min(buffer.Length, _remaining);
        if (wanted == 0)
        {
            return 0;
        }

        var read = ReadSome(buffer[..wanted]);
        if (read == 0)
        {
            throw Corrupt($"it ends in the middle of the data of '{_current}' ({_remaining} bytes missing); it was cut short");
        }

        _remaining -= read;
        return read;
    }

    private TarMember Member(char type, long headerSize, Dictionary<string, byte[]>? locals, byte[]? longName, byte[]? longLink, string label)
    {
        var ustar = _header.AsSpan(257, 6).SequenceEqual("ustar\0"u8) && _header.AsSpan(263, 2).SequenceEqual("00"u8);
        var gnu = _header.AsSpan(257, 8).SequenceEqual("ustar  \0"u8);
        var nameBytes = Lookup(locals, "path") ?? longName ?? UstarName(ustar);
        var linkBytes = Lookup(locals, "linkpath") ?? longLink ?? Field(_header, 157, 100);

        var mode = HeaderNumber(100, 8, "mode", label);
        var uid = Id(locals, "uid", HeaderNumber(108, 8, "uid", label), label);
        var gid = Id(locals, "gid", HeaderNumber(116, 8, "gid", label), label);
        var size = PaxSize(locals, headerSize, label);
        HeaderNumber(136, 12, "mtime", label);
        foreach (var key in (ReadOnlySpan<string>)["mtime", "atime", "ctime"])
        {
            PaxTime(locals, key, label);
        }

        if (gnu)
        {
            HeaderNumber(345, 12, "atime", label);
            HeaderNumber(357, 12, "ctime", label);
        }

        if (mode < 0)
        {
            throw Corrupt($"the entry '{label}' has a negative mode ({mode}) in its header");
        }

        var name = Decode(nameBytes, "name", "");
        var (kind, kindName) = Kind(type, name);
        if (kind is TarMemberKind.CharacterDevice or TarMemberKind.BlockDevice && (ustar || gnu))
        {
            HeaderNumber(329, 8, "devmajor", label);
            HeaderNumber(337, 8, "devminor", label);
        }

        if (HasSparseKeys(locals) || HasSparseKeys(_globals))
        {
            (kind, kindName) = (TarMemberKind.Unsupported, "sparse file");
        }

        var linkName = kind is TarMemberKind.SymbolicLink or TarMemberKind.HardLink ? Decode(linkBytes, "link target", name) : "";

        // Only files carry data; like Go's archive/tar, the size of header-only entries is ignored.
        var dataSize = kind is TarMemberKind.RegularFile or TarMemberKind.Unsupported ? size : 0;
        _current = name;
        if (dataSize > maxSize - _offset)
        {
            throw TooLarge(name);
        }

        _remaining = dataSize;
        _padding = (int)((BlockSize - (dataSize % BlockSize)) % BlockSize);
        return new TarMember(name, kind, kindName, (int)(mode & 0xFFF), uid, gid, dataSize, linkName);
    }

    private byte[] UstarName(bool ustar)
    {
        var name = Field(_header, 0, 100);
        var prefix = ustar ? Field(_header, 345, 155) : [];
        return prefix.Length == 0 ? name : [.. prefix, (byte)'/', .. name];
    }

    private static (TarMemberKind, string) Kind(char type, string name) => type switch
    {
        // A v7 header has no directory type: a name ending in '/' marks one (GNU tar and Go agree).
        '\0' when name.EndsWith('/') => (TarMemberKind.Directory, "folder"),
        '0' or '\0' or '7' => (TarMemberKind.RegularFile, "file"),
        '1' => (TarMemberKind.HardLink, "hard link"),
        '2' => (TarMemberKind.SymbolicLink, "symbolic link"),
        '3' => (TarMemberKind.CharacterDevice, "character device"),
        '4' => (TarMemberKind.BlockDevice, "block device"),
        '5' => (TarMemberKind.Directory, "folder"),
        '6' => (TarMemberKind.Fifo, "fifo"),
        'S' => (TarMemberKind.Unsupported, "sparse file"),
        'M' => (TarMemberKind.Unsupported, "multi-volume continuation"),
        'V' => (TarMemberKind.Unsupported, "volume label"),
        'D' => (TarMemberKind.Unsupported, "GNU dump folder"),
        'N' => (TarMemberKind.Unsupported, "old GNU long name"),
        _ => (TarMemberKind.Unsupported, type is >= ' ' and <= '~' ? $"type '{type}'" : $"type 0x{(int)type:X2}"),
    };

    private static bool HasSparseKeys(Dictionary<string, byte[]>? pax) =>
        pax is not null && pax.Keys.Any(k => k.StartsWith("GNU.sparse.", StringComparison.Ordinal));

    private void CheckChecksum(long start, string label)
    {
        long unsignedSum = 0;
        long signedSum = 0;
        for (var i = 0; i < BlockSize; i++)
        {
            var b = i is >= 148 and < 156 ? (byte)' ' : _header[i];
            unsignedSum += b;
            signedSum += (sbyte)b;
        }

        // Old Sun tar summed signed bytes; GNU tar accepts either, and so do we.
        if (!TryParseNumber(_header.AsSpan(148, 8), out var stored, out _) || (stored != unsignedSum && stored != signedSum))
        {
            throw Corrupt($"the header at byte {start}{After} has a bad checksum (its name field reads '{label}'); the archive is damaged there, or it is not a tar archive");
        }
    }

    private long HeaderNumber(int offset, int length, string field, string label)
    {
        if (TryParseNumber(_header.AsSpan(offset, length), out var value, out var why))
        {
            return value;
        }

        throw Corrupt($"the entry '{label}' has the header field {field} '{Display(_header.AsSpan(offset, length).ToArray(), 40)}', which {why}");
    }

    /// <summary>Octal digits (optionally padded with spaces and NULs) or GNU base-256; false with a reason otherwise.</summary>
    internal static bool TryParseNumber(ReadOnlySpan<byte> field, out long value, out string why)
    {
        value = 0;
        why = "";
        if (field.Length > 0 && (field[0] & 0x80) != 0)
        {
            // GNU base-256: big-endian two's complement, the top bit of the first byte the marker.
            var inverse = (field[0] & 0x40) != 0 ? (byte)0xFF : (byte)0;
            ulong magnitude = 0;
            for (var i = 0; i < field.Length; i++)
            {
                var b = (byte)(field[i] ^ inverse);
                if (i == 0)
                {
                    b &= 0x7F;
                }

                if ((magnitude >> 56) != 0)
                {
                    why = "does not fit in 64 bits";
                    return false;
                }

                magnitude = (magnitude << 8) | b;
            }

            if ((magnitude >> 63) != 0)
            {
                why = "does not fit in 64 bits";
                return false;
            }

            value = inverse == 0 ? (long)magnitude : ~(long)magnitude;
            return true;
        }

        var digits = field.Trim(" \0"u8);
        foreach (var c in digits)
        {
            if (c is < (byte)'0' or > (byte)'7')
            {
                why = "is not an octal number";
                return false;
            }

            if (value > (long.MaxValue >> 3))
            {
                why = "does not fit in 64 bits";
                return false;
            }

            value = (value << 3) | (long)(c - '0');
        }

        return true;
    }

    private int Id(Dictionary<string, byte[]>? locals, string key, long headerValue, string label)
    {
        var (value, text) = PaxDecimal(locals, key, label) is { } pax ? (pax.Value, pax.Text) : (headerValue, headerValue.ToString(CultureInfo.InvariantCulture));
        if (value is < 0 or > int.MaxValue)
        {
            var source = Lookup(locals, key) is not null ? $"the PAX field {key}={text}" : $"{key} {text} in its header";
            throw Corrupt($"the entry '{label}' has {source}; a {key} is a whole number from 0 to 2147483647, never negative");
        }

        return (int)value;
    }

    private long PaxSize(Dictionary<string, byte[]>? locals, long headerValue, string label)
    {
        if (PaxDecimal(locals, "size", label) is not { } pax)
        {
            return headerValue;
        }

        if (pax.Value < 0)
        {
            throw Corrupt($"the entry '{label}' has the PAX field size={pax.Text}; a size is a whole number from 0 up");
        }

        return pax.Value;
    }

    /// <summary>A PAX decimal ("123" or "-5"), or null when the key is absent; an error when it is not a number that fits 64 bits.</summary>
    private (long Value, string Text)? PaxDecimal(Dictionary<string, byte[]>? locals, string key, string label)
    {
        if (Lookup(locals, key) is not { } bytes)
        {
            return null;
        }

        var text = Display(bytes, 40);
        var digits = bytes.AsSpan(bytes[0] == (byte)'-' ? 1 : 0);
        if (digits.Length == 0 || digits.IndexOfAnyExceptInRange((byte)'0', (byte)'9') >= 0
            || !long.TryParse(Encoding.ASCII.GetString(bytes), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            throw Corrupt($"the entry '{label}' has the PAX field {key}={text}, which is not a whole number that fits in 64 bits");
        }

        return (value, text);
    }

    /// <summary>PAX times are decimal seconds with an optional fraction ("-12.5"); they are not used, but a malformed one marks a damaged header.</summary>
    private void PaxTime(Dictionary<string, byte[]>? locals, string key, string label)
    {
        if (Lookup(locals, key) is not { } bytes)
        {
            return;
        }

        var text = bytes.AsSpan(bytes[0] == (byte)'-' ? 1 : 0);
        var dot = text.IndexOf((byte)'.');
        var whole = dot < 0 ? text : text[..dot];
        var fraction = dot < 0 ? [] : text[(dot + 1)..];
        if (whole.Length is 0 or > 19 || whole.IndexOfAnyExceptInRange((byte)'0', (byte)'9') >= 0 || fraction.IndexOfAnyExceptInRange((byte)'0', (byte)'9') >= 0)
        {
            throw Corrupt($"the entry '{label}' has the PAX field {key}={Display(bytes, 40)}, which is not a time in seconds");
        }
    }

    /// <summary>A PAX value: the entry's own, else the global one; an empty value removes it (POSIX).</summary>
    private byte[]? Lookup(Dictionary<string, byte[]>? locals, string key)
    {
        if (locals is not null && locals.TryGetValue(key, out var own))
        {
            return own.Length == 0 ? null : own;
        }

        return _globals.TryGetValue(key, out var global) && global.Length > 0 ? global : null;
    }

    /// <summary>Records "length key=value\n"; keys are UTF-8, values stay bytes (xattrs may be binary).</summary>
    private List<(string Key, byte[] Value)> ParsePax(byte[] data, string label)
    {
        var records = new List<(string, byte[])>();
        var position = 0;
        while (position < data.Length)
        {
            var rest = data.AsSpan(position);
            var space = rest.IndexOf((byte)' ');
            long length = 0;
            var valid = space is > 0 and <= 8 && rest[..space].IndexOfAnyExceptInRange((byte)'0', (byte)'9') < 0;
            if (valid)
            {
                foreach (var c in rest[..space])
                {
                    length = (length * 10) + (c - '0');
                }
            }

            valid = valid && length >= space + 3 && length <= rest.Length && rest[(int)length - 1] == (byte)'\n';
            var record = valid ? rest[(space + 1)..((int)length - 1)] : [];
            var equals = record.IndexOf((byte)'=');
            if (!valid || equals <= 0)
            {
                throw Corrupt($"the PAX extended header of '{label}' has a malformed record at byte {position} of its {data.Length}");
            }

            string key;
            try
            {
                key = StrictUtf8.GetString(record[..equals]);
            }
            catch (DecoderFallbackException)
            {
                throw Corrupt($"the PAX extended header of '{label}' has the key '{Display(record[..equals].ToArray(), 40)}', which is not UTF-8");
            }

            records.Add((key, record[(equals + 1)..].ToArray()));
            position += (int)length;
        }

        return records;
    }

    /// <summary>Reads an extended header's data; <paramref name="total"/> counts what one entry's extended headers hold together, which the cap bounds too.</summary>
    private byte[] ReadExtension(long size, ref long total, string what, string label)
    {
        if (size > MaxExtendedHeaderSize)
        {
            throw Corrupt($"the {what} before byte {_offset} ('{label}') says it is {size} bytes long, more than the {MaxExtendedHeaderSize} bytes (1 MiB) OciBundle reads for one; the archive is damaged or hostile");
        }

        total += size;
        if (total > MaxExtendedHeaderSize)
        {
            throw Corrupt($"the extended headers before byte {_offset} ('{label}') hold more than {MaxExtendedHeaderSize} bytes (1 MiB) together, more than OciBundle reads for one entry; the archive is damaged or hostile");
        }

        if (size > maxSize - _offset)
        {
            throw TooLarge(label);
        }

        var data = new byte[size];
        var padded = new byte[(size + BlockSize - 1) / BlockSize * BlockSize];
        if (!ReadFully(padded, out var read))
        {
            throw Corrupt($"it ends in the middle of the {what} of '{label}' ({read} of {padded.Length} bytes); it was cut short");
        }

        padded.AsSpan(0, (int)size).CopyTo(data);
        return data;
    }

    private void Skip(long count)
    {
        // An image archive is indexed without reading its blobs: seek over data nobody asked for.
        if (count > 0 && stream.CanSeek)
        {
            long left;
            try
            {
                left = stream.Length - stream.Position;
            }
            catch (Exception e) when (e is IOException or NotSupportedException)
            {
                left = -1;
            }

            if (left >= 0)
            {
                if (left < count)
                {
                    throw Corrupt($"it ends in the middle of the data of '{_current}'; it was cut short");
                }

                stream.Seek(count, SeekOrigin.Current);
                _offset += count;
                return;
            }
        }

        var buffer = new byte[(int)Math.Min(count, 1 << 16)];
        while (count > 0)
        {
            var chunk = (int)Math.Min(count, buffer.Length);
            if (!ReadFully(buffer.AsSpan(0, chunk), out _))
            {
                throw Corrupt($"it ends in the middle of the data of '{_current}'; it was cut short");
            }

            count -= chunk;
        }
    }

    /// <summary>False at the end of the stream before the first byte; an error if it ends inside the block.</summary>
    private bool ReadBlock(byte[] block, long start)
    {
        if (ReadFully(block, out var read))
        {
            return true;
        }

        return read == 0
            ? false
            : throw Corrupt($"it ends inside the header at byte {start}{After} with {read} of its {BlockSize} bytes; it was cut short");
    }

    private bool ReadFully(Span<byte> buffer, out int read)
    {
        read = 0;
        while (read < buffer.Length)
        {
            var n = ReadSome(buffer[read..]);
            if (n == 0)
            {
                return false;
            }

            read += n;
        }

        return true;
    }

    /// <summary>The one place bytes come from: the budget is checked, and a decompressor's complaint becomes OCIB3005.</summary>
    private int ReadSome(Span<byte> buffer)
    {
        if (_offset + buffer.Length > maxSize)
        {
            if (_offset >= maxSize)
            {
                throw TooLarge(_current ?? "its first entry");
            }

            buffer = buffer[..(int)(maxSize - _offset)];
        }

        int read;
        try
        {
            read = stream.Read(buffer);
        }
        catch (Exception e) when (e is (IOException and not EndOfStreamException) or UnauthorizedAccessException)
        {
            throw new OciBundleException(Diagnostic.Error(Messages.UnreadableInput, null, origin, archivePath, e.Message), e);
        }
        catch (Exception e) when (e is not OciBundleException and not OutOfMemoryException)
        {
            // gzip and bzip2 decoders parse untrusted bytes too; whatever they throw means a damaged stream.
            throw new OciBundleException(Diagnostic.Error(Messages.CorruptArchive, null, archivePath, e.Message.TrimEnd('.')), e);
        }

        _offset += read;
        return read;
    }

    private string Decode(byte[] bytes, string what, string owner)
    {
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            var described = owner.Length == 0 ? "an entry named" : $"the entry '{owner}', whose {what} is";
            throw new OciBundleException(Diagnostic.Error(Messages.ArchiveNameNotUtf8, null, archivePath, described, Display(bytes)));
        }
    }

    private string After => _current is null ? "" : $" (after '{_current}')";

    private OciBundleException Corrupt(string detail) => new(Diagnostic.Error(Messages.CorruptArchive, null, archivePath, detail));

    private OciBundleException TooLarge(string entry) =>
        new(Diagnostic.Error(Messages.BaseRootfsTooLarge, null, archivePath, maxSize.ToString(CultureInfo.InvariantCulture), entry));

    private static byte[] Field(byte[] header, int offset, int length)
    {
        var field = header.AsSpan(offset, length);
        var nul = field.IndexOf((byte)0);
        return (nul < 0 ? field : field[..nul]).ToArray();
    }

    private static byte[] TrimNul(byte[] data)
    {
        var nul = Array.IndexOf(data, (byte)0);
        return nul < 0 ? data : data[..nul];
    }

    /// <summary>
    /// Bytes for a message: valid UTF-8 as it is, anything else with every byte that is not
    /// printable ASCII as \xNN, so "caf\xe9" and "caf\xe8" stay apart; at most <paramref name="max"/> bytes.
    /// </summary>
    internal static string Display(byte[] bytes, int max = 300)
    {
        var shown = bytes.AsSpan(0, Math.Min(bytes.Length, max));
        var more = bytes.Length > max ? "..." : "";
        try
        {
            var text = StrictUtf8.GetString(shown);
            if (!text.Any(char.IsControl))
            {
                return text + more;
            }
        }
        catch (DecoderFallbackException)
        {
            // escaped below
        }

        var builder = new StringBuilder();
        foreach (var b in shown)
        {
            builder.Append(b is >= 0x20 and < 0x7F && b != (byte)'\\' ? ((char)b).ToString() : $"\\x{b:x2}");
        }

        return builder.Append(more).ToString();
    }
}
