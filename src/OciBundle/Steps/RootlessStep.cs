using OciBundle.Platform.Interop;
using OciBundle.Spec;

namespace OciBundle.Steps;

/// <summary>
/// OciRootless: the shape `runc spec --rootless` gives. A user namespace mapping the building
/// user to root (unless mappings are given), no network namespace (an unprivileged user cannot
/// set one up), /sys bind-mounted from the host (sysfs cannot be mounted without owning the
/// network namespace), no uid=/gid= mount options, and no device cgroup.
/// </summary>
public static class RootlessStep
{
    public static void Apply(SpecContext context, RuntimeSpec spec)
    {
        if (!context.Settings.Isolation.Rootless.Value)
        {
            return;
        }

        spec.Linux.Namespaces.RemoveAll(n => n.Type is "network" or "user");
        spec.Linux.Namespaces.Add(new Namespace { Type = "user" });
        spec.Linux.UidMappings ??= [new IdMapping { ContainerID = 0, HostID = Identity.EffectiveUserId(), Size = 1 }];
        spec.Linux.GidMappings ??= [new IdMapping { ContainerID = 0, HostID = Identity.EffectiveGroupId(), Size = 1 }];

        for (var i = 0; i < spec.Mounts.Count; i++)
        {
            var mount = spec.Mounts[i];
            if (mount.Destination == "/sys")
            {
                spec.Mounts[i] = new Mount { Destination = "/sys", Type = "none", Source = "/sys", Options = ["rbind", "nosuid", "noexec", "nodev", "ro"] };
                continue;
            }

            if (mount.Options is { } options)
            {
                options.RemoveAll(o => o.StartsWith("uid=", StringComparison.Ordinal) || o.StartsWith("gid=", StringComparison.Ordinal));
            }
        }

        if (spec.Linux.Resources is { } resources)
        {
            resources.Devices = null;
        }
    }
}
