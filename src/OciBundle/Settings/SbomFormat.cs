using OciBundle.Diagnostics;
using OciBundle.Request;

namespace OciBundle.Settings;

/// <summary>OciSbom: which bill of materials the bundle carries.</summary>
public enum SbomFormat
{
    /// <summary>sbom.spdx.json, SPDX 2.3 JSON (the default).</summary>
    Spdx,

    None,
}

/// <summary>
/// What the SBOM says about the bundle itself: OciBundleName ("bundle" when unset), and the
/// project's Version, Company and Authors as written.
/// </summary>
public sealed record SbomSubject(string Name, string? Version, string? Company, string? Authors)
{
    public static readonly SbomSubject Default = new("bundle", null, null, null);

    /// <summary>
    /// Read quietly: the SBOM writer read these after the findings were reported, so a NUL in the
    /// bundle name has never been reported there; such a name gives the default, as before.
    /// </summary>
    public static SbomSubject Read(BundleRequest request) =>
        new(
            request.Get(SurfaceNames.BundleName) is { } name && !name.Contains('\0') ? name : Default.Name,
            request.Get(ForeignNames.Version),
            request.Get(ForeignNames.Company),
            request.Get(ForeignNames.Authors));
}

public static class SbomFormats
{
    /// <summary>OciSbom's value; OCIB1095 (and the default) for anything but spdx or none.</summary>
    public static SbomFormat Read(RequestReader reader)
    {
        var text = SurfaceReads.Sbom(reader);
        switch (text?.Trim().ToLowerInvariant())
        {
            case null or "" or "spdx":
                return SbomFormat.Spdx;
            case "none":
                return SbomFormat.None;
            default:
                reader.Diagnostics.Error(Messages.UnknownSbom, reader.Locate(SurfaceNames.Sbom), text);
                return SbomFormat.Spdx;
        }
    }
}
