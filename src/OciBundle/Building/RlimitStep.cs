using System.Globalization;
using OciBundle.Diagnostics;
using OciBundle.Spec;

namespace OciBundle.Building;

/// <summary>process.rlimits from OciRlimit items (Include = RLIMIT_*, Soft, Hard).</summary>
public static class RlimitStep
{
    public static readonly IReadOnlyList<string> Known =
    [
        "RLIMIT_AS", "RLIMIT_CORE", "RLIMIT_CPU", "RLIMIT_DATA", "RLIMIT_FSIZE", "RLIMIT_LOCKS",
        "RLIMIT_MEMLOCK", "RLIMIT_MSGQUEUE", "RLIMIT_NICE", "RLIMIT_NOFILE", "RLIMIT_NPROC",
        "RLIMIT_RSS", "RLIMIT_RTPRIO", "RLIMIT_RTTIME", "RLIMIT_SIGPENDING", "RLIMIT_STACK",
    ];

    public static void Apply(SpecContext context, RuntimeSpec spec)
    {
        var reader = context.Reader;
        var limits = new List<Rlimit>();
        var duplicates = new DuplicateItems(reader, SurfaceNames.Rlimit);
        foreach (var item in reader.Items(SurfaceNames.Rlimit))
        {
            var type = item.ItemSpec.ToUpperInvariant();
            if (!type.StartsWith("RLIMIT_", StringComparison.Ordinal))
            {
                type = "RLIMIT_" + type;
            }

            if (!Known.Contains(type))
            {
                reader.Diagnostics.Error(Messages.UnknownRlimit, item.Location, item.ItemSpec, string.Join(", ", Known), NearestName.Hint(type, Known));
                continue;
            }

            duplicates.Check(item, type);

            // One of Soft and Hard is enough: the other takes the same value.
            if (item.Get("Soft") is null && item.Get("Hard") is null)
            {
                reader.Diagnostics.Error(Messages.RlimitValueMissing, item.Location, item.ItemSpec);
                continue;
            }

            if (!TryReadLimit(reader, item, "Soft", out var soft) | !TryReadLimit(reader, item, "Hard", out var hard))
            {
                continue;
            }

            var softValue = soft ?? hard!.Value;
            var hardValue = hard ?? softValue;
            if (softValue > hardValue)
            {
                reader.Diagnostics.Error(Messages.RlimitSoftAboveHard, item.Location, type, softValue, hardValue);
                continue;
            }

            limits.ReplaceOrAdd(l => l.Type == type, new Rlimit { Type = type, Hard = hardValue, Soft = softValue });
        }

        spec.Process.Rlimits = limits.Count > 0 ? limits : null;
    }

    private static bool TryReadLimit(RequestReader reader, RequestItem item, string name, out ulong? value)
    {
        value = null;
        var text = item.Get(name);
        if (text is null)
        {
            return true;
        }

        if (text.Equals("unlimited", StringComparison.OrdinalIgnoreCase))
        {
            value = ulong.MaxValue; // RLIM_INFINITY
            return true;
        }

        if (ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
        {
            value = parsed;
            return true;
        }

        reader.Diagnostics.Error(Messages.InvalidRlimitValue, item.Location, item.ItemSpec, name, text);
        return false;
    }
}
