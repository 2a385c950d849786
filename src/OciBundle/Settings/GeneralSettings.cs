using System.Text.RegularExpressions;
using OciBundle.Diagnostics;
using OciBundle.Request;
using OciBundle.Spec;

namespace OciBundle.Settings;

/// <summary>
/// ociVersion and root as settings: OciSpecVersion (a bad version is reported, OCIB1026, and
/// still written, as before, so the version rules see it) and OciRootfsReadonly.
/// </summary>
public sealed partial record GeneralSettings(Setting<string> SpecVersion, Setting<bool> RootfsReadonly)
{
    public static GeneralSettings Read(RequestReader reader)
    {
        var version = SurfaceReads.SpecVersion(reader) ?? RuntimeSpec.DefaultVersion;
        if (!SemanticVersion().IsMatch(version))
        {
            reader.Diagnostics.Error(Messages.InvalidSpecVersion, reader.Locate(SurfaceNames.SpecVersion), version);
        }

        return new(
            new(version, Origin.Property(reader, SurfaceNames.SpecVersion)),
            new(SurfaceReads.RootfsReadonly(reader), Origin.Property(reader, SurfaceNames.RootfsReadonly)));
    }

    [GeneratedRegex(@"^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$")]
    private static partial Regex SemanticVersion();
}
