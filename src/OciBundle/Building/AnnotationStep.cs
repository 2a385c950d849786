using System.Text.RegularExpressions;
using OciBundle.Diagnostics;
using OciBundle.Spec;

namespace OciBundle.Building;

/// <summary>annotations from OciAnnotation items (Include = key, Value), sorted by key.</summary>
public static partial class AnnotationStep
{
    /// <summary>The spec reserves this prefix for keys it defines; a project must not invent them.</summary>
    public const string ReservedPrefix = "org.opencontainers.";

    public static void Apply(SpecContext context, RuntimeSpec spec)
    {
        var reader = context.Reader;
        var annotations = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var item in reader.Items(SurfaceNames.Annotation))
        {
            var key = item.ItemSpec.Trim();
            if (key.Contains('\0'))
            {
                reader.Diagnostics.Error(Messages.NulByte, item.Location, SurfaceNames.Annotation, key.Replace('\0', '?'));
                continue;
            }

            if (key.Length == 0 || key.StartsWith(ReservedPrefix, StringComparison.Ordinal))
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

            annotations[key] = value;
        }

        spec.Annotations = annotations.Count > 0 ? annotations : null;
    }

    /// <summary>The spec's "SHOULD be named using a reverse domain notation": labels of letters, digits and '-', at least two, the first starting with a letter.</summary>
    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9-]*(\.[A-Za-z0-9-]+)+$")]
    private static partial Regex ReverseDomain();

    [GeneratedRegex(@"[^A-Za-z0-9-]+")]
    private static partial Regex KeyTail();
}
