using System.Text.RegularExpressions;
using OciBundle.Diagnostics;
using OciBundle.Spec;

namespace OciBundle.Building;

/// <summary>
/// linux.sysctl from OciSysctl items (Include = key, Value). Keys may be written with '/' as in
/// /proc/sys and are stored with '.', the form runc checks. Which namespace a key needs is a
/// rule over the whole spec (SpecRules), since the namespaces may change after this step.
/// </summary>
public static partial class SysctlStep
{
    public static void Apply(SpecContext context, RuntimeSpec spec)
    {
        var reader = context.Reader;
        var sysctl = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var item in reader.Items(SurfaceNames.Sysctl))
        {
            var key = item.ItemSpec.Trim();
            if (!Key().IsMatch(key))
            {
                reader.Diagnostics.Error(Messages.InvalidSysctlKey, item.Location, key);
                continue;
            }

            context.Origins.Set(SpecPaths.Sysctl(Normalize(key)), Origin.Item(SurfaceNames.Sysctl, item));
            var value = item.Get("Value");
            if (value is null)
            {
                reader.Diagnostics.Error(Messages.SysctlValueMissing, item.Location, key);
                continue;
            }

            if (value.Contains('\0'))
            {
                reader.Diagnostics.Error(Messages.NulByte, item.Location, $"{SurfaceNames.Sysctl} '{key}'", value.Replace('\0', '?'));
                continue;
            }

            // A later item for the same key wins, as a later property does.
            sysctl[Normalize(key)] = value;
        }

        spec.Linux.Sysctl = sysctl.Count > 0 ? sysctl : null;
    }

    public static string Normalize(string key) => key.Replace('/', '.');

    [GeneratedRegex(@"^[a-z0-9_]+([./][a-z0-9_-]+)*$")]
    private static partial Regex Key();
}
