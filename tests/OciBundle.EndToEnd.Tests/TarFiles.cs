using System.Formats.Tar;
using System.IO.Compression;
using System.Text;

namespace OciBundle.EndToEnd.Tests;

/// <summary>
/// Writes small tar archives entry by entry, so tests can make archives GNU tar refuses to make
/// (a "../" name, a hard link to nothing) without touching the file system outside the archive.
/// </summary>
internal static class TarFiles
{
    /// <summary>Writes <paramref name="entries"/> to <paramref name="path"/>, gzipped when the name ends in .gz.</summary>
    public static void Write(string path, params TarEntry[] entries)
    {
        using var file = File.Create(path);
        using Stream stream = path.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(file, CompressionLevel.Fastest) : file;
        using var writer = new TarWriter(stream, TarEntryFormat.Pax);
        foreach (var entry in entries)
        {
            writer.WriteEntry(entry);
        }
    }

    public static TarEntry Folder(string name) => new PaxTarEntry(TarEntryType.Directory, name) { Mode = (UnixFileMode)0b111_101_101 };

    public static TarEntry Text(string name, string content) => new PaxTarEntry(TarEntryType.RegularFile, name)
    {
        Mode = (UnixFileMode)0b110_100_100,
        DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)),
    };

    public static TarEntry HardLink(string name, string target) => new PaxTarEntry(TarEntryType.HardLink, name) { LinkName = target };

    public static TarEntry CharacterDevice(string name, int major, int minor) =>
        new PaxTarEntry(TarEntryType.CharacterDevice, name) { DeviceMajor = major, DeviceMinor = minor, Mode = (UnixFileMode)0b110_110_110 };
}
