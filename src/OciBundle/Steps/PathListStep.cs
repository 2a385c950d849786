using OciBundle.Settings;
using OciBundle.Spec;

namespace OciBundle.Steps;

/// <summary>linux.maskedPaths and linux.readonlyPaths from the OciMaskedPath and OciReadonlyPath items read into <see cref="IsolationSettings"/>.</summary>
public static class PathListStep
{
    public static void Apply(SpecContext context, RuntimeSpec spec)
    {
        var isolation = context.Settings.Isolation;
        spec.Linux.MaskedPaths = Apply(context, SpecPaths.MaskedPaths, isolation.MaskedPaths);
        spec.Linux.ReadonlyPaths = Apply(context, SpecPaths.ReadonlyPaths, isolation.ReadonlyPaths);
    }

    private static List<string>? Apply(SpecContext context, string path, ListSetting<string> paths)
    {
        if (paths.Origin is { } origin)
        {
            context.Origins.Set(path, origin);
        }

        return paths.Values.Count > 0 ? [.. paths.Values] : null;
    }
}
