using OciBundle.Spec;

namespace OciBundle.Building;

/// <summary>
/// process.capabilities from the OciCapability items read into <see cref="IsolationSettings"/>,
/// each granted once and recorded at its last item.
/// </summary>
public static class CapabilityStep
{
    /// <summary>Every Linux capability, by number (capability.h).</summary>
    public static readonly IReadOnlyList<string> All =
    [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
        "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE",
        "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER",
        "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT",
        "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME",
        "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL",
        "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM",
        "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
    ];

    public static void Apply(SpecContext context, RuntimeSpec spec)
    {
        var isolation = context.Settings.Isolation;
        var granted = new List<string>();
        var ambient = new List<string>();
        foreach (var (capability, origin) in isolation.Capabilities)
        {
            context.Origins.Set(SpecPaths.Capability(capability.Name), origin);
            if (!granted.Contains(capability.Name))
            {
                granted.Add(capability.Name);
            }

            if (capability.Ambient && !ambient.Contains(capability.Name))
            {
                ambient.Add(capability.Name);
            }
        }

        if (isolation.AmbientOrigin is { } ambientOrigin)
        {
            context.Origins.Set(SpecPaths.Ambient, ambientOrigin);
        }

        // Bounding, effective and permitted carry the same set. Inheritable and ambient stay
        // empty unless asked for, so a process started by exec keeps only what it was meant to;
        // an ambient capability must also be inheritable (and permitted) or the kernel drops it.
        spec.Process.Capabilities = new Capabilities
        {
            Bounding = [.. granted],
            Effective = [.. granted],
            Inheritable = ambient.Count > 0 ? [.. ambient] : null,
            Permitted = [.. granted],
            Ambient = ambient.Count > 0 ? [.. ambient] : null,
        };
    }

    /// <summary>The canonical name (upper case, CAP_ added); false when it is no Linux capability, <paramref name="name"/> then being the name as the list would spell it.</summary>
    public static bool TryCanonicalize(string text, out string name)
    {
        var upper = text.Trim().ToUpperInvariant();
        name = upper.StartsWith("CAP_", StringComparison.Ordinal) ? upper : "CAP_" + upper;
        return All.Contains(name);
    }
}
