using OciBundle.Settings;
using OciBundle.Spec;

namespace OciBundle.Steps;

/// <summary>process: args, env, cwd, user (with umask), terminal, noNewPrivileges, oomScoreAdj, from <see cref="ProcessSettings"/>.</summary>
public static class ProcessStep
{
    public static void Apply(SpecContext context, RuntimeSpec spec)
    {
        var p = context.Settings.Process;
        var process = spec.Process;
        process.Args = [.. p.Args.Value];
        context.Origins.Set(SpecPaths.Args, p.Args.Origin);
        process.Env = [.. p.Env.Value];
        process.Cwd = p.Cwd.Value;
        process.User = new User
        {
            Uid = p.User.Value.Uid,
            Gid = p.User.Value.Gid,
            AdditionalGids = p.AdditionalGids is { } groups ? [.. groups.Value] : null,
            Umask = p.Umask?.Value,
        };
        process.Terminal = p.Terminal.Value;
        process.NoNewPrivileges = p.NoNewPrivileges.Value;
        process.OomScoreAdj = p.OomScoreAdj?.Value;
    }
}
