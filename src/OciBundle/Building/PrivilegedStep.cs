using OciBundle.Diagnostics;
using OciBundle.Spec;

namespace OciBundle.Building;

/// <summary>
/// OciPrivileged, garden's and Docker's "privileged": every capability, no masked or read-only
/// paths, no seccomp, every device allowed, sysfs and cgroupfs writable. Runs after the steps it
/// overrides, and says so with a warning.
/// </summary>
public static class PrivilegedStep
{
    public static void Apply(SpecContext context, RuntimeSpec spec)
    {
        var reader = context.Reader;
        var privileged = context.Settings.Privileged;
        if (!privileged.Value)
        {
            return;
        }

        reader.Diagnostics.Warning(Messages.PrivilegedContainer, privileged.Origin.Location);
        context.Origins.Set(SpecPaths.Privileged, privileged.Origin);
        spec.Process.Capabilities = new Capabilities
        {
            Bounding = [.. CapabilityStep.All],
            Effective = [.. CapabilityStep.All],
            Inheritable = spec.Process.Capabilities?.Inheritable,
            Permitted = [.. CapabilityStep.All],
            Ambient = spec.Process.Capabilities?.Ambient,
        };
        spec.Linux.MaskedPaths = null;
        spec.Linux.ReadonlyPaths = null;
        spec.Linux.Seccomp = null;
        spec.Linux.Resources ??= new Resources();
        spec.Linux.Resources.Devices = [new DeviceCgroupRule { Allow = true, Access = "rwm" }];
        foreach (var mount in spec.Mounts.Where(m => m.Type is "sysfs" or "cgroup" && m.Options is not null))
        {
            mount.Options = mount.Options!.Select(o => o == "ro" ? "rw" : o).ToList();
        }
    }
}
