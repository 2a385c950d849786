using OciBundle.Diagnostics;
using OciBundle.Spec;

namespace OciBundle.Building;

/// <summary>
/// process.capabilities from OciCapability items. Names are accepted in any case, with or
/// without CAP_, and written canonically; unknown names are errors (runc would ignore them).
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

    /// <summary>The name as the list spells it (upper case, CAP_ added), so 'net_admn' is one edit from CAP_NET_ADMIN.</summary>
    private static string WithPrefix(string name)
    {
        var upper = name.Trim().ToUpperInvariant();
        return upper.StartsWith("CAP_", StringComparison.Ordinal) ? upper : "CAP_" + upper;
    }

    public static void Apply(SpecContext context, RuntimeSpec spec)
    {
        var reader = context.Reader;
        var granted = new List<string>();
        var ambient = new List<string>();
        var items = reader.Items(SurfaceNames.Capability);
        foreach (var item in items)
        {
            if (!TryCanonicalize(item.ItemSpec, out var name))
            {
                reader.Diagnostics.Error(Messages.UnknownCapability, item.Location, item.ItemSpec, NearestName.Hint(WithPrefix(item.ItemSpec), All));
                continue;
            }

            context.Origins.Set(SpecPaths.Capability(name), Origin.Item(SurfaceNames.Capability, item));

            if (!granted.Contains(name))
            {
                granted.Add(name);
            }

            if (IsTrue(reader, item, "Ambient") && !ambient.Contains(name))
            {
                ambient.Add(name);
            }
        }

        // The ambient set as a whole points at the project's last capability item.
        if (items.Count > 0)
        {
            context.Origins.Set(SpecPaths.Ambient, Origin.Item(SurfaceNames.Capability, items[^1]));
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

    private static bool IsTrue(RequestReader reader, RequestItem item, string metadata)
    {
        var text = item.Get(metadata);
        if (text is null)
        {
            return false;
        }

        if (bool.TryParse(text, out var value))
        {
            return value;
        }

        reader.Diagnostics.Error(Messages.InvalidBoolean, item.Location, $"{SurfaceNames.Capability} '{item.ItemSpec}' {metadata}", text);
        return false;
    }

    public static bool TryCanonicalize(string text, out string name)
    {
        var upper = text.Trim().ToUpperInvariant();
        name = upper.StartsWith("CAP_", StringComparison.Ordinal) ? upper : "CAP_" + upper;
        return All.Contains(name);
    }
}
