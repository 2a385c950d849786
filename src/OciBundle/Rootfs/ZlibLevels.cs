using System.IO.Compression;
using System.Reflection;

namespace OciBundle.Rootfs;

/// <summary>
/// Opens the BCL's gzip compressor at the zlib level this SDK uses for each
/// <see cref="CompressionLevel"/>. <c>Optimal</c> is zlib level 5, not the runtime's 6: on
/// zlib-ng (.NET 9 and later) level 5 costs about a fifth less CPU for a member 0.2% larger
/// (measured on a copy of /usr/share/dotnet, see docs/performance.md). Numeric levels need
/// <c>ZLibCompressionOptions</c>, which appeared in .NET 9; this library targets net8.0, so the
/// type is looked up once by reflection, and on .NET 8 every level keeps the runtime's meaning.
/// </summary>
internal static class ZlibLevels
{
    /// <summary>The zlib level behind <see cref="CompressionLevel.Optimal"/> where the runtime lets us choose.</summary>
    public const int OptimalLevel = 5;

    private static readonly Func<Stream, int, Stream>? s_openWithLevel = FindLevelConstructor();

    /// <summary>A compressing <see cref="GZipStream"/> over <paramref name="output"/>, which it closes when disposed.</summary>
    public static Stream Open(Stream output, CompressionLevel level) =>
        level == CompressionLevel.Optimal && s_openWithLevel is { } open
            ? open(output, OptimalLevel)
            : new GZipStream(output, level, leaveOpen: false);

    private static Func<Stream, int, Stream>? FindLevelConstructor()
    {
        var optionsType = typeof(GZipStream).Assembly.GetType("System.IO.Compression.ZLibCompressionOptions");
        var levelProperty = optionsType?.GetProperty("CompressionLevel", BindingFlags.Public | BindingFlags.Instance);
        var constructor = optionsType is null ? null : typeof(GZipStream).GetConstructor([typeof(Stream), optionsType, typeof(bool)]);
        if (optionsType is null || levelProperty is null || constructor is null)
        {
            return null; // .NET 8: the runtime's own levels only
        }

        return (output, level) =>
        {
            var options = Activator.CreateInstance(optionsType)!;
            levelProperty.SetValue(options, level);
            return (Stream)constructor.Invoke([output, options, false]);
        };
    }
}
