using System.Reflection;
using System.Security.Cryptography;
using OciBundle.Diagnostics;
using OciBundle.Output;
using OciBundle.Request;
using OciBundle.Rootfs;
using OciBundle.Settings;

namespace OciBundle.Sbom;

/// <summary>Writes sbom.spdx.json into the staging folder, beside the other outputs.</summary>
public static class SbomFiles
{
    /// <summary>The SDK's version without the commit ("0.1.0"), so a rebuild of the same release writes the same creator.</summary>
    public static readonly string ToolVersion =
        (typeof(SbomFiles).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0").Split('+')[0];

    /// <param name="image">The image this build writes, already with its manifest digest; null without one.</param>
    /// <param name="baseImage">The base image the rootfs started from; null without one.</param>
    /// <returns>The staged file and its bytes (the image attaches the same bytes).</returns>
    public static (BundleOutputFile File, byte[] Bytes) Write(
        string staging, BundleSettings settings, BundleOptions options, RootfsPlan plan, IReadOnlyList<RootfsEntry> sorted, ContentDigests digests, SbomImage? image, SbomBaseImage? baseImage, Action<Diagnostic> report)
    {
        var input = new SbomInput(
            options.SbomSubject.Name,
            options.SbomSubject.Version,
            options.SbomSubject.Company,
            options.SbomSubject.Authors,
            options.SourceDateEpoch,
            ToolVersion,
            sorted,
            digests,
            settings.Publish.AppDirectory,
            plan.SharedLibraries?.SysrootHostPath,
            image,
            baseImage);
        var document = SbomBuilder.Build(input, (what, why) => report(Diagnostic.Warning(Messages.SbomInputUnreadable, null, what, why.TrimEnd('.'))));
        var bytes = document.ToJson();
        var path = Path.Combine(staging, SpdxDocument.FileName);
        File.WriteAllBytes(path, bytes);

        var kinds = document.Packages.Skip(1)
            .GroupBy(p => p.Purl is { } purl ? purl[4..purl.IndexOf('/', StringComparison.Ordinal)] : "other")
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => $"{g.Count()} {g.Key}");
        report(Diagnostic.Detail(Messages.SbomWritten, null, document.Packages.Count, string.Join(", ", ["1 bundle", .. kinds]), document.Files.Count));
        return (new BundleOutputFile(path, OutputKinds.Sbom, bytes.Length, Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant()), bytes);
    }
}
