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

public static class SbomFormats
{
    /// <summary>OciSbom's value; OCIB1095 (and the default) for anything but spdx or none.</summary>
    public static SbomFormat Read(RequestReader reader)
    {
        var text = reader.String(SurfaceNames.Sbom);
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
