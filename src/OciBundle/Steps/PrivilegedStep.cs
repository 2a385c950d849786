using OciBundle.Diagnostics;
using OciBundle.Spec;

namespace OciBundle.Steps;

/// <summary>
/// OciPrivileged, garden's and Docker's "privileged", as containerd's WithPrivileged: a
/// composition of smaller options (every capability, no masked or read-only paths, no seccomp,
/// every device allowed, sysfs and cgroupfs writable). Runs in the last phase, since it overrides
/// what the steps before it wrote, and says so with a warning.
/// </summary>
public static class PrivilegedStep
{
    /// <summary>What privileged is made of, each an option over the spec.</summary>
    public static readonly IReadOnlyList<Action<RuntimeSpec>> Options =
    [
        WithAllCapabilities,
        WithoutMaskedPaths,
        WithoutReadonlyPaths,
        WithoutSeccomp,
        WithAllDevicesAllowed,
        WithWritableSysfsAndCgroup,
    ];

    public static void Apply(SpecContext context, RuntimeSpec spec)
    {
        var privileged = context.Settings.Privileged;
        if (!privileged.Value)
        {
            return;
        }

        context.Diagnostics.Warning(Messages.PrivilegedContainer, privileged.Origin.Location);
        context.Origins.Set(SpecPaths.Privileged, privileged.Origin);
        foreach (var option in Options)
        {
            option(spec);
        }
    }

    /// <summary>Bounding, effective and permitted get every capability; inheritable and ambient stay as asked.</summary>
    public static void WithAllCapabilities(RuntimeSpec spec) =>
        spec.Process.Capabilities = new Capabilities
        {
            Bounding = [.. LinuxCapabilities.All],
            Effective = [.. LinuxCapabilities.All],
            Inheritable = spec.Process.Capabilities?.Inheritable,
            Permitted = [.. LinuxCapabilities.All],
            Ambient = spec.Process.Capabilities?.Ambient,
        };

    public static void WithoutMaskedPaths(RuntimeSpec spec) => spec.Linux.MaskedPaths = null;

    public static void WithoutReadonlyPaths(RuntimeSpec spec) => spec.Linux.ReadonlyPaths = null;

    public static void WithoutSeccomp(RuntimeSpec spec) => spec.Linux.Seccomp = null;

    public static void WithAllDevicesAllowed(RuntimeSpec spec)
    {
        spec.Linux.Resources ??= new Resources();
        spec.Linux.Resources.Devices = [new DeviceCgroupRule { Allow = true, Access = "rwm" }];
    }

    public static void WithWritableSysfsAndCgroup(RuntimeSpec spec)
    {
        foreach (var mount in spec.Mounts.Where(m => m.Type is "sysfs" or "cgroup" && m.Options is not null))
        {
            mount.Options = mount.Options!.Select(o => o == "ro" ? "rw" : o).ToList();
        }
    }
}
