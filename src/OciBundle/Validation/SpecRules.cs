using OciBundle.Diagnostics;
using OciBundle.Request;
using OciBundle.Spec;
using OciBundle.Steps;

namespace OciBundle.Validation;

/// <summary>
/// Rules over the assembled spec (OCIB2xxx), one method per concern, each reporting what is wrong
/// and pointing at the property or item the user can change. Pure checks of the spec and its
/// origins (runc's validator style): where a value came from is what the steps recorded, never
/// the request read again.
/// </summary>
public static class SpecRules
{
    public delegate void Rule(RuntimeSpec spec, SpecOrigins origins, DiagnosticBag diagnostics);

    /// <summary>The rules, in the order they report.</summary>
    public static readonly IReadOnlyList<Rule> Rules =
    [
        CheckArgs,
        CheckHostname,
        CheckUserNamespace,
        CheckMemory,
        CheckSysctls,
        CheckNamespaceSupport,
        CheckPathsNeedMountNamespace,
        CheckMountsIntoProc,
        CheckAmbientCapabilities,
        SpecVersionRules.Check,
        WarnAboutRiskyChoices,
    ];

    public static void Check(BuiltSpec built, DiagnosticBag diagnostics)
    {
        foreach (var rule in Rules)
        {
            rule(built.Spec, built.Origins, diagnostics);
        }
    }

    /// <summary>runc 1.1 (Debian 12's, and many hosts') refuses the time namespace outright.</summary>
    private static void CheckNamespaceSupport(RuntimeSpec spec, SpecOrigins origins, DiagnosticBag diagnostics)
    {
        if (spec.Linux.Namespaces.Any(n => n.Type == "time"))
        {
            diagnostics.Error(Messages.TimeNamespaceUnsupported, origins.Of(SpecPaths.Namespace("time"))?.Location);
        }
    }

    /// <summary>Masking and read-only remounts happen in the container's mount namespace; without one they would hit the host.</summary>
    private static void CheckPathsNeedMountNamespace(RuntimeSpec spec, SpecOrigins origins, DiagnosticBag diagnostics)
    {
        if (spec.Linux.Namespaces.Any(n => n.Type == "mount"))
        {
            return;
        }

        foreach (var (paths, path, itemType) in new[] { (spec.Linux.MaskedPaths, SpecPaths.MaskedPaths, SurfaceNames.MaskedPath), (spec.Linux.ReadonlyPaths, SpecPaths.ReadonlyPaths, SurfaceNames.ReadonlyPath) })
        {
            if (paths is { Count: > 0 })
            {
                diagnostics.Error(Messages.PathsWithoutMountNamespace, origins.Of(path)?.Location, itemType);
            }
        }
    }

    /// <summary>The files runc lets a bind cover inside /proc (what lxcfs provides); anything else there it refuses.</summary>
    public static readonly IReadOnlyList<string> ProcBindTargets =
    [
        "/proc/cpuinfo", "/proc/diskstats", "/proc/meminfo", "/proc/stat", "/proc/swaps", "/proc/uptime",
        "/proc/loadavg", "/proc/slabinfo", "/proc/net/dev", "/proc/sys/kernel/ns_last_pid",
    ];

    private static void CheckMountsIntoProc(RuntimeSpec spec, SpecOrigins origins, DiagnosticBag diagnostics)
    {
        foreach (var mount in spec.Mounts.Where(m => m.Destination.StartsWith("/proc/", StringComparison.Ordinal) && m.Type != "proc"))
        {
            if (!ProcBindTargets.Contains(mount.Destination.TrimEnd('/')))
            {
                diagnostics.Error(Messages.MountIntoProc, origins.Of(SpecPaths.Mount(mount.Destination))?.Location, mount.Destination, string.Join(", ", ProcBindTargets));
            }
        }
    }

    /// <summary>The kernel keeps an ambient capability only while it is permitted and inheritable.</summary>
    public static void CheckAmbientCapabilities(RuntimeSpec spec, SpecOrigins origins, DiagnosticBag diagnostics)
    {
        var caps = spec.Process.Capabilities;
        foreach (var name in caps?.Ambient ?? [])
        {
            if (!caps!.Permitted.Contains(name) || !(caps.Inheritable?.Contains(name) ?? false))
            {
                diagnostics.Error(Messages.AmbientNotPermitted, origins.Of(SpecPaths.Ambient)?.Location, name);
            }
        }
    }

    /// <summary>Valid, but worth a second look; OciPrivileged has its own warning and covers these.</summary>
    private static void WarnAboutRiskyChoices(RuntimeSpec spec, SpecOrigins origins, DiagnosticBag diagnostics)
    {
        if (origins.Of(SpecPaths.Privileged) is not null)
        {
            return;
        }

        if (spec.Process.Capabilities?.Bounding.Contains("CAP_SYS_ADMIN") ?? false)
        {
            diagnostics.Warning(Messages.SysAdminGranted, origins.Of(SpecPaths.Capability("CAP_SYS_ADMIN"))?.Location);
        }

        foreach (var mount in spec.Mounts.Where(m => m.Type == "sysfs" && !(m.Options?.Contains("ro") ?? false)))
        {
            diagnostics.Warning(Messages.WritableSysfs, origins.Of(SpecPaths.Mount(mount.Destination))?.Location, mount.Destination);
        }
    }

    /// <summary>Mappings need a user namespace to apply to, and runc refuses a user namespace without them.</summary>
    private static void CheckUserNamespace(RuntimeSpec spec, SpecOrigins origins, DiagnosticBag diagnostics)
    {
        var userNamespace = spec.Linux.Namespaces.FirstOrDefault(n => n.Type == "user");
        if (userNamespace is null)
        {
            foreach (var (mappings, path, itemType) in new[] { (spec.Linux.UidMappings, SpecPaths.UidMappings, SurfaceNames.UidMapping), (spec.Linux.GidMappings, SpecPaths.GidMappings, SurfaceNames.GidMapping) })
            {
                if (mappings is not null)
                {
                    diagnostics.Error(Messages.MappingsWithoutUserNamespace, origins.Of(path)?.Location, itemType);
                }
            }

            return;
        }

        // Joining an existing user namespace (Path) brings its own mappings.
        if (userNamespace.Path is null)
        {
            foreach (var (mappings, path, itemType) in new[] { (spec.Linux.UidMappings, SpecPaths.UidMappings, SurfaceNames.UidMapping), (spec.Linux.GidMappings, SpecPaths.GidMappings, SurfaceNames.GidMapping) })
            {
                // Items that were given but malformed (they have an origin) already have their OCIB1034.
                if (mappings is null && origins.Of(path) is null)
                {
                    diagnostics.Error(Messages.UserNamespaceWithoutMappings, origins.Of(SpecPaths.UserNamespaceSwitch)?.Location, itemType);
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
    private static void CheckSysctls(RuntimeSpec spec, SpecOrigins origins, DiagnosticBag diagnostics)
    {
        foreach (var key in spec.Linux.Sysctl?.Keys ?? Enumerable.Empty<string>())
        {
            var location = origins.Of(SpecPaths.Sysctl(key))?.Location;
            var owner = SysctlNamespace(key);
            if (owner is null)
            {
                diagnostics.Error(Messages.SysctlNotNamespaced, location, key);
            }
            else if (!spec.Linux.Namespaces.Any(n => n.Type == owner))
            {
                diagnostics.Error(Messages.SysctlNeedsNamespace, location, key, owner);
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
    private static void CheckHostname(RuntimeSpec spec, SpecOrigins origins, DiagnosticBag diagnostics)
    {
        if (spec.Hostname is not null && !spec.Linux.Namespaces.Any(n => n.Type == "uts"))
        {
            diagnostics.Error(Messages.HostnameWithoutUtsNamespace, origins.Of(SpecPaths.Hostname)?.Location, spec.Hostname);
        }
    }

    private static void CheckArgs(RuntimeSpec spec, SpecOrigins origins, DiagnosticBag diagnostics)
    {
        if (spec.Process.Args.Count == 0)
        {
            diagnostics.Error(Messages.ArgsEmpty, origins.Of(SpecPaths.Args)?.Location);
        }
    }
}
