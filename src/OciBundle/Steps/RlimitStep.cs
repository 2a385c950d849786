using OciBundle.Spec;

namespace OciBundle.Steps;

/// <summary>process.rlimits from the OciRlimit items read into <see cref="ProcessSettings"/>.</summary>
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
        var limits = context.Settings.Process.Rlimits;
        spec.Process.Rlimits = limits.Count > 0
            ? [.. limits.Select(l => new Rlimit { Type = l.Value.Type, Hard = l.Value.Hard, Soft = l.Value.Soft })]
            : null;
    }
}
