using OciBundle.Spec;

namespace OciBundle.Steps;

/// <summary>annotations from the OciAnnotation items read into <see cref="KernelSettings"/>, sorted by key; a later item of a key wins.</summary>
public static class AnnotationStep
{
    public static void Apply(SpecContext context, RuntimeSpec spec)
    {
        var annotations = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (annotation, _) in context.Settings.Kernel.Annotations)
        {
            annotations[annotation.Key] = annotation.Value;
        }

        spec.Annotations = annotations.Count > 0 ? annotations : null;
    }
}
