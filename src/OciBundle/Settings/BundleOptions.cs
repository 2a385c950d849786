using System.Globalization;
using System.IO.Compression;
using OciBundle.Diagnostics;
using OciBundle.Request;

namespace OciBundle.Settings;

public enum RootfsFormat
{
    TarGz,
    Tar,
    Directory,

    /// <summary>rootfs.tar.zst: zstd instead of gzip (an extension of the surface's values).</summary>
    TarZst,
}

/// <summary>How and where the bundle is written.</summary>
public sealed record BundleOptions(
    string OutputDirectory,
    string? ArchivePath,
    RootfsFormat Format,
    CompressionLevel CompressionLevel,
    long SourceDateEpoch,
    string? StampFile,
    BundleFormat BundleFormat = BundleFormat.Runc,
    SbomFormat Sbom = SbomFormat.Spdx)
{
    /// <summary>The bundle as the SBOM describes it (name, version, company, authors).</summary>
    public SbomSubject SbomSubject { get; init; } = SbomSubject.Default;

    /// <summary>The largest mtime a GNU tar header holds in octal (11 digits).</summary>
    public const long MaxSourceDateEpoch = 8589934591;

    /// <summary>Internal: where the up-to-date stamp lives (the project's obj folder).</summary>
    public const string StampFileProperty = "OciBundleStampFile";

    public string RootfsFileName => Format switch
    {
        RootfsFormat.TarGz => "rootfs.tar.gz",
        RootfsFormat.Tar => "rootfs.tar",
        RootfsFormat.TarZst => "rootfs.tar.zst",
        _ => "rootfs",
    };

    /// <summary>The output group, read by the settings stage; null without OciBundleOutputPath (the generator reports OCIB5004) and then nothing else of it is read.</summary>
    public static BundleOptions? Read(RequestReader reader, BundleFormat? formats)
    {
        var diagnostics = reader.Diagnostics;
        var request = reader.Request;
        var output = SurfaceReads.BundleOutputPath(reader);
        if (output is null)
        {
            return null; // OCIB5004 is the generator's: a spec alone needs no output folder
        }

        var outputDirectory = Path.TrimEndingDirectorySeparator(Path.GetFullPath(output, request.ProjectDirectory));
        var archive = SurfaceReads.BundleArchivePath(reader) is { } a ? Path.GetFullPath(a, request.ProjectDirectory) : null;
        if (archive is not null && (archive == outputDirectory || Directory.Exists(archive)))
        {
            // Never a folder: replacing it with the archive would delete whatever it holds.
            diagnostics.Error(Messages.ArchivePathIsFolder, reader.Locate(SurfaceNames.BundleArchivePath), archive, SurfaceReads.BundleName(reader) ?? "bundle");
        }
        else if (archive is not null && archive.StartsWith(outputDirectory + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            diagnostics.Error(Messages.ArchivePathInsideBundle, reader.Locate(SurfaceNames.BundleArchivePath), archive, outputDirectory, SurfaceReads.BundleName(reader) ?? "bundle");
        }

        var format = RootfsFormat.TarGz;
        switch (SurfaceReads.RootfsFormat(reader)?.ToLowerInvariant())
        {
            case null or "tar.gz" or "tgz":
                break;
            case "tar":
                format = RootfsFormat.Tar;
                break;
            case "directory":
                format = RootfsFormat.Directory;
                break;
            case "tar.zst" or "tzst":
                format = RootfsFormat.TarZst;
                break;
            default:
                diagnostics.Error(Messages.UnknownRootfsFormat, reader.Locate(SurfaceNames.RootfsFormat), SurfaceReads.RootfsFormat(reader));
                break;
        }

        var levelText = SurfaceReads.RootfsCompressionLevel(reader);
        CompressionLevel? parsedLevel = levelText?.ToLowerInvariant() switch
        {
            null or "optimal" => CompressionLevel.Optimal,
            "fastest" => CompressionLevel.Fastest,
            "smallestsize" => CompressionLevel.SmallestSize,
            _ => null,
        };
        if (parsedLevel is null)
        {
            diagnostics.Error(Messages.UnknownCompressionLevel, reader.Locate(SurfaceNames.RootfsCompressionLevel), levelText);
        }

        var level = parsedLevel ?? CompressionLevel.Optimal;

        long epoch = 0;
        var epochText = SurfaceReads.SourceDateEpoch(reader);
        if (epochText is not null
            && !(long.TryParse(epochText, NumberStyles.None, CultureInfo.InvariantCulture, out epoch) && epoch <= MaxSourceDateEpoch))
        {
            diagnostics.Error(Messages.InvalidSourceDateEpoch, reader.Locate(SurfaceNames.SourceDateEpoch), epochText);
            epoch = 0;
        }

        var stamp = request.Get(StampFileProperty) is { } s ? Path.GetFullPath(s, request.ProjectDirectory) : null;
        var bundleFormat = formats ?? BundleFormat.Runc;
        var sbom = SbomFormats.Read(reader);
        return new BundleOptions(outputDirectory, archive, format, level, epoch, stamp, bundleFormat, sbom) { SbomSubject = SbomSubject.Read(request) };
    }
}
