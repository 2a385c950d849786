using OciBundle.Spec;

namespace OciBundle.Steps;

/// <summary>
/// linux.sysctl from the OciSysctl items read into <see cref="KernelSettings"/>, sorted by key; a
/// later item for the same key wins, as a later property does. Which namespace a key needs is a
/// rule over the whole spec (SpecRules), since the namespaces may change after this step.
/// </summary>
public static class SysctlStep
{
    public static void Apply(SpecContext context, RuntimeSpec spec)
    {
        var sysctl = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value, origin) in context.Settings.Kernel.Sysctls)
        {
            context.Origins.Set(SpecPaths.Sysctl(key), origin);
            if (value is not null)
            {
                sysctl[key] = value;
            }
        }

        spec.Linux.Sysctl = sysctl.Count > 0 ? sysctl : null;
    }
}
