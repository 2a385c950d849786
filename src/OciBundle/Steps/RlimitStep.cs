using OciBundle.Spec;

namespace OciBundle.Steps;

/// <summary>process.rlimits from the OciRlimit items read into <see cref="ProcessSettings"/>.</summary>
public static class RlimitStep
{
    public static void Apply(SpecContext context, RuntimeSpec spec)
    {
        var limits = context.Settings.Process.Rlimits;
        spec.Process.Rlimits = limits.Count > 0
            ? [.. limits.Select(l => new Rlimit { Type = l.Value.Type, Hard = l.Value.Hard, Soft = l.Value.Soft })]
            : null;
    }
}
