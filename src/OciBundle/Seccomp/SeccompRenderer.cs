using OciBundle.Spec;

namespace OciBundle.Seccomp;

/// <summary>
/// Turns a (checked) profile into the OCI linux.seccomp object for one architecture and one set
/// of granted capabilities, the way Docker does when it starts a container: a rule is kept when
/// all its includes are met and none of its excludes match, and the conditions themselves are
/// dropped. An OCI-form profile has no conditions, so it comes through unchanged. Order is the
/// file's, so the same inputs always give the same config.json.
/// </summary>
public static class SeccompRenderer
{
    public static Spec.Seccomp Render(SeccompProfileDocument profile, SeccompTarget target, IReadOnlyCollection<string> grantedCapabilities)
    {
        var granted = grantedCapabilities.Select(Canonical).ToHashSet(StringComparer.Ordinal);
        return new Spec.Seccomp
        {
            DefaultAction = profile.DefaultAction!,
            DefaultErrnoRet = profile.DefaultErrnoRet,
            Flags = profile.Flags is { Count: > 0 } flags ? [.. flags] : null,
            ListenerPath = profile.ListenerPath,
            ListenerMetadata = profile.ListenerMetadata,
            Architectures = Architectures(profile, target),
            Syscalls = (profile.Syscalls ?? [])
                .Where(rule => Applies(rule, target, granted))
                .Select(Copy)
                .ToList(),
        };
    }

    /// <summary>
    /// With an archMap: the target's native architecture and the sub-architectures the map gives
    /// it (its 32-bit compat modes), so those system call tables are filtered too. Without one:
    /// the profile's own list, or none (the runtime then filters the native one).
    /// </summary>
    private static List<string>? Architectures(SeccompProfileDocument profile, SeccompTarget target)
    {
        if (profile.ArchMap is null)
        {
            return profile.Architectures is null ? null : [.. profile.Architectures];
        }

        var native = target.Native;
        var entry = profile.ArchMap.FirstOrDefault(e => e.Architecture == native);
        return [native, .. (entry?.SubArchitectures ?? []).Where(a => a != native).Distinct()];
    }

    public static bool Applies(ProfileSyscall rule, SeccompTarget target, IReadOnlySet<string> granted)
    {
        bool IsTarget(string arch) => target.ProfileNames.Contains(arch, StringComparer.OrdinalIgnoreCase);

        if (rule.Includes is { } includes)
        {
            if (includes.Caps is { } caps && !caps.All(c => granted.Contains(Canonical(c))))
            {
                return false;
            }

            if (includes.Arches is { Count: > 0 } arches && !arches.Any(IsTarget))
            {
                return false;
            }

            // includes.minKernel: the kernel at run time is unknown at build time. We assume one
            // at least as new as the profile asks for (Docker's 4.8 for ptrace is from 2016),
            // so the rule is kept.
        }

        if (rule.Excludes is { } excludes)
        {
            if (excludes.Caps is { } caps && caps.Any(c => granted.Contains(Canonical(c))))
            {
                return false;
            }

            if (excludes.Arches is { } arches && arches.Any(IsTarget))
            {
                return false;
            }

            // The same assumption the other way round: "not from kernel X on" drops the rule.
            if (excludes.MinKernel is not null)
            {
                return false;
            }
        }

        return true;
    }

    private static SeccompSyscall Copy(ProfileSyscall rule) => new()
    {
        Names = [.. rule.Names!],
        Action = rule.Action!,
        ErrnoRet = rule.ErrnoRet,
        Args = rule.Args is { Count: > 0 } args
            ? args.Select(a => new SeccompArg { Index = a.Index, Value = a.Value, ValueTwo = a.ValueTwo, Op = a.Op! }).ToList()
            : null,
    };

    private static string Canonical(string capability) =>
        LinuxCapabilities.TryCanonicalize(capability, out var name) ? name : capability;
}
