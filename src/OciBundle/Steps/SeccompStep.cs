using OciBundle.Diagnostics;
using OciBundle.Seccomp;
using OciBundle.Settings;
using OciBundle.Spec;

namespace OciBundle.Steps;

/// <summary>
/// linux.seccomp from <see cref="SeccompSettings"/>: the profile rendered for OciTargetArchitecture
/// and the capabilities CapabilityStep granted (so it runs after CapabilityStep, which it reads),
/// or none. Says what an unconfined container or a file's flags mean for the runtime.
/// </summary>
public static class SeccompStep
{
    public static void Apply(SpecContext context, RuntimeSpec spec)
    {
        var seccomp = context.Settings.Isolation.Seccomp;
        spec.Linux.Seccomp = null;
        if (seccomp.Unconfined)
        {
            context.Diagnostics.Warning(Messages.SeccompUnconfined, seccomp.Origin.Location);
            return;
        }

        if (seccomp.Profile is not { } profile)
        {
            return;
        }

        var granted = spec.Process.Capabilities?.Bounding ?? [];
        spec.Linux.Seccomp = SeccompRenderer.Render(profile, context.Settings.Architecture.Value.SeccompTarget, granted);
        if (seccomp.File is { } file && profile.Flags is { Count: > 0 } flags)
        {
            context.Diagnostics.Warning(Messages.SeccompFlagsKept, file.Locate(JsonPath.Root.Property("flags")), file.ShownName, string.Join(", ", flags));
        }
    }
}
