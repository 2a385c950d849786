using OciBundle.Building;
using OciBundle.Diagnostics;
using OciBundle.Spec;

namespace OciBundle.Validation;

/// <summary>
/// Rules over the assembled spec (OCIB2xxx), one method per concern, each reporting what is wrong
/// and pointing at the property or item the user can change.
/// </summary>
public static class SpecRules
{
    public static void Check(BuiltSpec built, RequestReader reader)
    {
        var spec = built.Spec;
        CheckArgs(spec, reader);
        CheckHostname(spec, reader);
        CheckUserNamespace(spec, reader);
        CheckMemory(spec, built.Origins, reader.Diagnostics);
        CheckSysctls(spec, reader);
        CheckNamespaceSupport(spec, reader);
        CheckPathsNeedMountNamespace(spec, reader);
        CheckMountsIntoProc(spec, reader);
        CheckAmbientCapabilities(spec, reader);
        SpecVersionRules.Check(spec, reader);
        WarnAboutRiskyChoices(spec, built.Settings, reader);
    }

    /// <summary>runc 1.1 (Debian 12's, and many hosts') refuses the time namespace outright.</summary>
    private static void CheckNamespaceSupport(RuntimeSpec spec, RequestReader reader)
    {
        if (spec.Linux.Namespaces.Any(n => n.Type == "time"))
        {
            var item = reader.Items(SurfaceNames.Namespace).LastOrDefault(i => i.ItemSpec.Trim().Equals("time", StringComparison.OrdinalIgnoreCase));
            reader.Diagnostics.Error(Messages.TimeNamespaceUnsupported, item?.Location);
        }
    }

    /// <summary>Masking and read-only remounts happen in the container's mount namespace; without one they would hit the host.</summary>
    private static void CheckPathsNeedMountNamespace(RuntimeSpec spec, RequestReader reader)
    {
        if (spec.Linux.Namespaces.Any(n => n.Type == "mount"))
        {
            return;
        }

        foreach (var (paths, itemType) in new[] { (spec.Linux.MaskedPaths, SurfaceNames.MaskedPath), (spec.Linux.ReadonlyPaths, SurfaceNames.ReadonlyPath) })
        {
            if (paths is { Count: > 0 })
            {
                reader.Diagnostics.Error(Messages.PathsWithoutMountNamespace, reader.Items(itemType).FirstOrDefault(i => !i.IsDefault)?.Location, itemType);
            }
        }
    }

    /// <summary>The files runc lets a bind cover inside /proc (what lxcfs provides); anything else there it refuses.</summary>
    public static readonly IReadOnlyList<string> ProcBindTargets =
    [
        "/proc/cpuinfo", "/proc/diskstats", "/proc/meminfo", "/proc/stat", "/proc/swaps", "/proc/uptime",
        "/proc/loadavg", "/proc/slabinfo", "/proc/net/dev", "/proc/sys/kernel/ns_last_pid",
    ];

    private static void CheckMountsIntoProc(RuntimeSpec spec, RequestReader reader)
    {
        foreach (var mount in spec.Mounts.Where(m => m.Destination.StartsWith("/proc/", StringComparison.Ordinal) && m.Type != "proc"))
        {
            if (!ProcBindTargets.Contains(mount.Destination.TrimEnd('/')))
            {
                var item = reader.Items(SurfaceNames.Mount).LastOrDefault(i => i.ItemSpec.Trim() == mount.Destination);
                reader.Diagnostics.Error(Messages.MountIntoProc, item?.Location, mount.Destination, string.Join(", ", ProcBindTargets));
            }
        }
    }

    /// <summary>The kernel keeps an ambient capability only while it is permitted and inheritable.</summary>
    public static void CheckAmbientCapabilities(RuntimeSpec spec, RequestReader reader)
    {
        var caps = spec.Process.Capabilities;
        foreach (var name in caps?.Ambient ?? [])
        {
            if (!caps!.Permitted.Contains(name) || !(caps.Inheritable?.Contains(name) ?? false))
            {
                reader.Diagnostics.Error(Messages.AmbientNotPermitted, reader.Items(SurfaceNames.Capability).LastOrDefault()?.Location, name);
            }
        }
    }

    /// <summary>Valid, but worth a second look; OciPrivileged has its own warning and covers these.</summary>
    private static void WarnAboutRiskyChoices(RuntimeSpec spec, BundleSettings settings, RequestReader reader)
    {
        if (settings.Privileged.Value)
        {
            return;
        }

        if (spec.Process.Capabilities?.Bounding.Contains("CAP_SYS_ADMIN") ?? false)
        {
            var item = reader.Items(SurfaceNames.Capability).LastOrDefault(i => CapabilityStep.TryCanonicalize(i.ItemSpec, out var n) && n == "CAP_SYS_ADMIN");
            reader.Diagnostics.Warning(Messages.SysAdminGranted, item?.Location);
        }

        foreach (var mount in spec.Mounts.Where(m => m.Type == "sysfs" && !(m.Options?.Contains("ro") ?? false)))
        {
            var item = reader.Items(SurfaceNames.Mount).LastOrDefault(i => i.ItemSpec.Trim() == mount.Destination);
            reader.Diagnostics.Warning(Messages.WritableSysfs, item?.Location, mount.Destination);
        }
    }

    /// <summary>Mappings need a user namespace to apply to, and runc refuses a user namespace without them.</summary>
    private static void CheckUserNamespace(RuntimeSpec spec, RequestReader reader)
    {
        var userNamespace = spec.Linux.Namespaces.FirstOrDefault(n => n.Type == "user");
        if (userNamespace is null)
        {
            foreach (var (mappings, itemType) in new[] { (spec.Linux.UidMappings, SurfaceNames.UidMapping), (spec.Linux.GidMappings, SurfaceNames.GidMapping) })
            {
                if (mappings is not null)
                {
                    reader.Diagnostics.Error(Messages.MappingsWithoutUserNamespace, reader.Items(itemType)[0].Location, itemType);
                }
            }

            return;
        }

        // Joining an existing user namespace (Path) brings its own mappings.
        if (userNamespace.Path is null)
        {
            foreach (var (mappings, itemType) in new[] { (spec.Linux.UidMappings, SurfaceNames.UidMapping), (spec.Linux.GidMappings, SurfaceNames.GidMapping) })
            {
                // Items that were given but malformed already have their OCIB1034.
                if (mappings is null && reader.Items(itemType).Count == 0)
                {
                    reader.Diagnostics.Error(Messages.UserNamespaceWithoutMappings, reader.Locate(SurfaceNames.UserNamespace), itemType);
                }
            }
        }
    }

    /// <summary>
    /// The kernel's (and runc's) order: reservation ≤ limit ≤ memory+swap; and a swap limit only
    /// with a memory limit, since runc derives the cgroup v2 swap value from the two.
    /// </summary>
    private static void CheckMemory(RuntimeSpec spec, SpecOrigins origins, DiagnosticBag diagnostics)
    {
        if (spec.Linux.Resources?.Memory is not { } memory)
        {
            return;
        }

        // A limit that was given but malformed already has its OCIB1050; do not add a second error.
        if (memory is { Swap: > 0, Limit: null } && !origins.WasRefused(SurfaceNames.MemoryLimit))
        {
            diagnostics.Error(Messages.SwapWithoutMemoryLimit, origins.Of(SpecPaths.MemorySwap)?.Location, memory.Swap);
        }

        if (memory is { Swap: > 0, Limit: { } limit } && memory.Swap < limit)
        {
            diagnostics.Error(Messages.SwapBelowMemoryLimit, origins.Of(SpecPaths.MemorySwap)?.Location, memory.Swap, limit);
        }

        if (memory is { Reservation: { } reservation, Limit: { } hardLimit } && reservation > hardLimit)
        {
            diagnostics.Error(Messages.ReservationAboveMemoryLimit, origins.Of(SpecPaths.MemoryReservation)?.Location, reservation, hardLimit);
        }
    }

    /// <summary>
    /// runc's sysctl rules: a key is set only inside the namespace that owns it. A joined namespace
    /// (Path) counts, as in runc, which refuses only the host's own network namespace at run time.
    /// </summary>
    private static void CheckSysctls(RuntimeSpec spec, RequestReader reader)
    {
        foreach (var key in spec.Linux.Sysctl?.Keys ?? Enumerable.Empty<string>())
        {
            var location = reader.Items(SurfaceNames.Sysctl).LastOrDefault(i => SysctlStep.Normalize(i.ItemSpec.Trim()) == key)?.Location;
            var owner = SysctlNamespace(key);
            if (owner is null)
            {
                reader.Diagnostics.Error(Messages.SysctlNotNamespaced, location, key);
            }
            else if (!spec.Linux.Namespaces.Any(n => n.Type == owner))
            {
                reader.Diagnostics.Error(Messages.SysctlNeedsNamespace, location, key, owner);
            }
        }
    }

    private static readonly HashSet<string> IpcSysctls =
    [
        "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
        "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced",
    ];

    /// <summary>The namespace type a sysctl belongs to, or null when it is global (runc's list).</summary>
    public static string? SysctlNamespace(string key) => key switch
    {
        _ when key.StartsWith("net.", StringComparison.Ordinal) => "network",
        _ when key.StartsWith("fs.mqueue.", StringComparison.Ordinal) || IpcSysctls.Contains(key) => "ipc",
        "kernel.hostname" or "kernel.domainname" => "uts",
        _ => null,
    };

    /// <summary>runc sets the hostname only inside a uts namespace of the container's own.</summary>
    private static void CheckHostname(RuntimeSpec spec, RequestReader reader)
    {
        if (spec.Hostname is not null && !spec.Linux.Namespaces.Any(n => n.Type == "uts"))
        {
            reader.Diagnostics.Error(Messages.HostnameWithoutUtsNamespace, reader.Locate(SurfaceNames.Hostname), spec.Hostname);
        }
    }

    private static void CheckArgs(RuntimeSpec spec, RequestReader reader)
    {
        if (spec.Process.Args.Count == 0)
        {
            reader.Diagnostics.Error(Messages.ArgsEmpty, reader.Request.LocateProperty(SurfaceNames.Entrypoint));
        }
    }
}
