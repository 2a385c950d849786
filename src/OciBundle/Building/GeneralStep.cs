using System.Text.RegularExpressions;
using OciBundle.Diagnostics;
using OciBundle.Spec;

namespace OciBundle.Building;

/// <summary>ociVersion and root.</summary>
public static partial class GeneralStep
{
    public static void Apply(SpecContext context, RuntimeSpec spec)
    {
        var reader = context.Reader;
        var version = reader.String(SurfaceNames.SpecVersion) ?? RuntimeSpec.DefaultVersion;
        if (!SemanticVersion().IsMatch(version))
        {
            reader.Diagnostics.Error(Messages.InvalidSpecVersion, reader.Locate(SurfaceNames.SpecVersion), version);
        }

        spec.OciVersion = version;
        context.Origins.Set(SpecPaths.OciVersion, Origin.Property(reader, SurfaceNames.SpecVersion));
        spec.Root = new Root { Path = "rootfs", Readonly = reader.Bool(SurfaceNames.RootfsReadonly, false) };
    }

    [GeneratedRegex(@"^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$")]
    private static partial Regex SemanticVersion();
}
