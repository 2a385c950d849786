using OciBundle.Spec;

namespace OciBundle.Building;

/// <summary>
/// process.apparmorProfile, process.selinuxLabel and linux.mountLabel, written as given: the
/// profile and labels must exist on the host that runs the bundle, which a build cannot check.
/// </summary>
public static class SecurityLabelStep
{
    public static void Apply(SpecContext context, RuntimeSpec spec)
    {
        var reader = context.Reader;
        // reader.String refuses NUL (OCIB1019); empty means unset, so nothing empty is written.
        spec.Process.ApparmorProfile = reader.String(SurfaceNames.ApparmorProfile);
        spec.Process.SelinuxLabel = reader.String(SurfaceNames.SelinuxLabel);
        spec.Linux.MountLabel = reader.String(SurfaceNames.MountLabel);
    }
}
