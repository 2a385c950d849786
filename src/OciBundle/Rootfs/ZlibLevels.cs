using System.IO.Compression;
using System.Reflection;

namespace OciBundle.Rootfs;

/// <summary>
/// Opens the BCL's gzip compressor at the zlib level this SDK uses for each
/// <see cref="CompressionLevel"/>, chosen by measurement on .NET 9 and later (zlib-ng) against
/// pigz at the same output size (a copy of /usr/share/dotnet, 1 MiB members; the table is in
/// docs/performance.md): <c>Fastest</c> is level 2, because zlib-ng's level 1 is a different,
/// much weaker algorithm (zlib-ng#1501: 18% larger output for 20% less CPU), while level 2 gives
/// pigz -1's size for 0.6× its CPU; <c>Optimal</c> is level 4, the cheapest level within 1.05× of
/// pigz -6's size (level 5 costs 11% more CPU for 1.2% less size, level 6 a further 31% for 0.2%);
/// <c>SmallestSize</c> stays 9, the only level that reaches pigz -6's size (7 and 8 cost more than
/// 6 for next to nothing). Numeric levels need <c>ZLibCompressionOptions</c>, which appeared in
/// .NET 9; this library targets net8.0, so the type is looked up once by reflection, and on .NET 8
/// every level keeps the runtime's meaning. Where the package carries libdeflate (Linux x64 and
/// arm64), gzip members go through <see cref="LibdeflateMembers"/> and its own levels instead.
/// </summary>
internal static class ZlibLevels
{
    /// <summary>The zlib level behind <see cref="CompressionLevel.Optimal"/> where the runtime lets us choose.</summary>
    public const int OptimalLevel = 4;

    /// <summary>The zlib level behind <see cref="CompressionLevel.Fastest"/> where the runtime lets us choose.</summary>
    public const int FastestLevel = 2;

    /// <summary>The zlib level behind <see cref="CompressionLevel.SmallestSize"/> (the runtime's own choice too).</summary>
    public const int SmallestSizeLevel = 9;

    private static readonly Func<Stream, int, Stream>? s_openWithLevel = FindLevelConstructor();

    /// <summary>The zlib level this SDK uses for <paramref name="level"/>, or null where the runtime cannot be told one (.NET 8).</summary>
    public static int? Numeric(CompressionLevel level) => s_openWithLevel is null ? null : level switch
    {
        CompressionLevel.Optimal => OptimalLevel,
        CompressionLevel.Fastest => FastestLevel,
        CompressionLevel.SmallestSize => SmallestSizeLevel,
        _ => null, // NoCompression: the runtime's stored blocks
    };

    /// <summary>A compressing <see cref="GZipStream"/> over <paramref name="output"/>, which it closes when disposed.</summary>
    public static Stream Open(Stream output, CompressionLevel level) =>
        Numeric(level) is { } numeric && s_openWithLevel is { } open
            ? open(output, numeric)
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
