using System.Text.RegularExpressions;
using OciBundle.Diagnostics;
using OciBundle.Spec;

namespace OciBundle.Building;

/// <summary>ociVersion and root.</summary>
public static partial class GeneralStep
{
    public const string DefaultSpecVersion = "1.1.0"; // the seccomp profile's errnoRet needs it; runc 1.1.5 and crun 1.8.1 accept it, crun 1.8.1 refuses 1.2.0+

    public static void Apply(RequestReader reader, RuntimeSpec spec)
    {
        var version = reader.String(SurfaceNames.SpecVersion) ?? DefaultSpecVersion;
        if (!SemanticVersion().IsMatch(version))
        {
            reader.Diagnostics.Error(Messages.InvalidSpecVersion, reader.Locate(SurfaceNames.SpecVersion), version);
        }

        spec.OciVersion = version;
        spec.Root = new Root { Path = "rootfs", Readonly = reader.Bool(SurfaceNames.RootfsReadonly, false) };
    }

    [GeneratedRegex(@"^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$")]
    private static partial Regex SemanticVersion();
}
