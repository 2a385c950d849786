using OciBundle.Diagnostics;
using OciBundle.Spec;

namespace OciBundle.Building;

/// <summary>annotations from OciAnnotation items (Include = key, Value), sorted by key.</summary>
public static class AnnotationStep
{
    /// <summary>The spec reserves this prefix for keys it defines; a project must not invent them.</summary>
    public const string ReservedPrefix = "org.opencontainers.";

    public static void Apply(RequestReader reader, RuntimeSpec spec)
    {
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
}
