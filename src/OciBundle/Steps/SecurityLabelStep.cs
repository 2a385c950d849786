using OciBundle.Spec;

namespace OciBundle.Steps;

/// <summary>
/// process.apparmorProfile, process.selinuxLabel and linux.mountLabel from <see cref="KernelSettings"/>,
/// written as given: the profile and labels must exist on the host that runs the bundle, which a
/// build cannot check.
/// </summary>
public static class SecurityLabelStep
{
    public static void Apply(SpecContext context, RuntimeSpec spec)
    {
        var kernel = context.Settings.Kernel;
        spec.Process.ApparmorProfile = kernel.ApparmorProfile?.Value;
        spec.Process.SelinuxLabel = kernel.SelinuxLabel?.Value;
        spec.Linux.MountLabel = kernel.MountLabel?.Value;
    }
}
