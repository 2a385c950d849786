using System.Text.RegularExpressions;
using OciBundle.Diagnostics;
using OciBundle.Request;

namespace OciBundle.Settings;

/// <summary>
/// The kernel and labels group as settings: OciSysctl (keys stored with '.'), OciRootfsPropagation,
/// OciApparmorProfile, OciSelinuxLabel, OciMountLabel, OciAnnotation and OciHook, each parsed and
/// checked alone (OCIB1xxx). Which namespace a sysctl needs is a rule over the spec (SpecRules).
/// </summary>
public sealed partial record KernelSettings(
    IReadOnlyList<ItemSetting<string>> Sysctls,
    Setting<string>? RootfsPropagation,
    Setting<string>? ApparmorProfile,
    Setting<string>? SelinuxLabel,
    Setting<string>? MountLabel,
    IReadOnlyList<Setting<KeyValuePair<string, string>>> Annotations,
    IReadOnlyList<Setting<HookValue>> Hooks)
{
    /// <summary>The spec reserves this prefix for keys it defines; a project must not invent them.</summary>
    public const string ReservedAnnotationPrefix = "org.opencontainers.";

    public static KernelSettings Read(RequestReader reader)
    {
        Setting<string>? Label(string name, string? text) =>
            // A text read refuses NUL (OCIB1019); empty means unset, so nothing empty is written.
            text is not null ? new(text, Origin.Property(reader, name)) : null;

        var sysctls = ReadSysctls(reader);
        var propagation = ReadRootfsPropagation(reader);
        var apparmor = Label(SurfaceNames.ApparmorProfile, SurfaceReads.ApparmorProfile(reader));
        var selinux = Label(SurfaceNames.SelinuxLabel, SurfaceReads.SelinuxLabel(reader));
        var mountLabel = Label(SurfaceNames.MountLabel, SurfaceReads.MountLabel(reader));
        var annotations = ReadAnnotations(reader);
        return new(sysctls, propagation, apparmor, selinux, mountLabel, annotations, HookSettings.Read(reader));
    }

    /// <summary>OciSysctl items (Include = key, Value); keys may be written with '/' as in /proc/sys. A key's origin is kept when its value is refused.</summary>
    private static List<ItemSetting<string>> ReadSysctls(RequestReader reader)
    {
        var result = new List<ItemSetting<string>>();
        foreach (var item in reader.Items(SurfaceNames.Sysctl))
        {
            var key = item.ItemSpec.Trim();
            if (!SysctlKey().IsMatch(key))
            {
                reader.Diagnostics.Error(Messages.InvalidSysctlKey, item.Location, key);
                continue;
            }

            var value = item.Get("Value");
            if (value is null)
            {
                reader.Diagnostics.Error(Messages.SysctlValueMissing, item.Location, key);
            }
            else if (value.Contains('\0'))
            {
                reader.Diagnostics.Error(Messages.NulByte, item.Location, $"{SurfaceNames.Sysctl} '{key}'", value.Replace('\0', '?'));
                value = null;
            }

            result.Add(new(SpecVocabulary.NormalizeSysctl(key), value, Origin.Item(SurfaceNames.Sysctl, item)));
        }

        return result;
    }

    /// <summary>OciRootfsPropagation in any case, as for namespace types; the schema's enum is lower case.</summary>
    private static Setting<string>? ReadRootfsPropagation(RequestReader reader)
    {
        var given = SurfaceReads.RootfsPropagation(reader);
        if (given is null)
        {
            return null;
        }

        var text = given.ToLowerInvariant();
        if (SpecVocabulary.RootfsPropagations.Contains(text))
        {
            return new(text, Origin.Property(reader, SurfaceNames.RootfsPropagation));
        }

        // runc and Docker take rshared and friends, but the spec's schema does not, so a
        // validating runtime (or a later runc) would refuse the bundle: point at the plain value.
        if (text.StartsWith('r') && SpecVocabulary.RootfsPropagations.Contains(text[1..]))
        {
            reader.Diagnostics.Error(Messages.RecursiveRootfsPropagation, reader.Locate(SurfaceNames.RootfsPropagation), given, text[1..]);
            return null;
        }

        reader.Diagnostics.Error(Messages.UnknownRootfsPropagation, reader.Locate(SurfaceNames.RootfsPropagation), given);
        return null;
    }

    /// <summary>OciAnnotation items (Include = key, Value), in item order; a later item of a key wins.</summary>
    private static List<Setting<KeyValuePair<string, string>>> ReadAnnotations(RequestReader reader)
    {
        var result = new List<Setting<KeyValuePair<string, string>>>();
        foreach (var item in reader.Items(SurfaceNames.Annotation))
        {
            var key = item.ItemSpec.Trim();
            if (key.Contains('\0'))
            {
                reader.Diagnostics.Error(Messages.NulByte, item.Location, SurfaceNames.Annotation, key.Replace('\0', '?'));
                continue;
            }

            if (key.Length == 0 || key.StartsWith(ReservedAnnotationPrefix, StringComparison.Ordinal))
            {
                reader.Diagnostics.Error(Messages.InvalidAnnotationKey, item.Location, key);
                continue;
            }

            if (!ReverseDomain().IsMatch(key))
            {
                reader.Diagnostics.Warning(Messages.AnnotationKeyNotReverseDomain, item.Location, key, KeyTail().Replace(key, "-").Trim('-') is { Length: > 0 } tail ? tail : "key");
            }

            // Metadata read raw: an annotation may be set to an empty string on purpose.
            var value = item.Metadata.TryGetValue("Value", out var v) ? v : "";
            if (value.Contains('\0'))
            {
                reader.Diagnostics.Error(Messages.NulByte, item.Location, $"{SurfaceNames.Annotation} '{key}'", value.Replace('\0', '?'));
                continue;
            }

            result.Add(new(new(key, value), Origin.Item(SurfaceNames.Annotation, item)));
        }

        return result;
    }

    [GeneratedRegex(@"^[a-z0-9_]+([./][a-z0-9_-]+)*$")]
    private static partial Regex SysctlKey();

    /// <summary>The spec's "SHOULD be named using a reverse domain notation": labels of letters, digits and '-', at least two, the first starting with a letter.</summary>
    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9-]*(\.[A-Za-z0-9-]+)+$")]
    private static partial Regex ReverseDomain();

    [GeneratedRegex(@"[^A-Za-z0-9-]+")]
    private static partial Regex KeyTail();
}
