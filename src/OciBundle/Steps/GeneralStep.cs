using OciBundle.Settings;
using OciBundle.Spec;

namespace OciBundle.Steps;

/// <summary>ociVersion and root from <see cref="GeneralSettings"/>.</summary>
public static class GeneralStep
{
    public static void Apply(SpecContext context, RuntimeSpec spec)
    {
        var general = context.Settings.General;
        spec.OciVersion = general.SpecVersion.Value;
        context.Origins.Set(SpecPaths.OciVersion, general.SpecVersion.Origin);
        spec.Root = new Root { Path = "rootfs", Readonly = general.RootfsReadonly.Value };
    }
}
