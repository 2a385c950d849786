using OciBundle.Spec;

namespace OciBundle.Steps;

/// <summary>hooks from the OciHook items read into <see cref="KernelSettings"/>; hooks of one stage run in item order.</summary>
public static class HookStep
{
    public static void Apply(SpecContext context, RuntimeSpec spec)
    {
        var hooks = new Hooks();
        var any = false;
        foreach (var (hook, _) in context.Settings.Kernel.Hooks)
        {
            StageList(hooks, hook.Stage).Add(new Hook
            {
                Path = hook.Path,
                Args = [.. hook.Args],
                Env = hook.Env.Count > 0 ? [.. hook.Env] : null,
                Timeout = hook.Timeout,
            });
            any = true;
        }

        spec.Hooks = any ? hooks : null;
    }

    private static List<Hook> StageList(Hooks hooks, string stage) => stage switch
    {
        "prestart" => hooks.Prestart ??= [],
        "createRuntime" => hooks.CreateRuntime ??= [],
        "createContainer" => hooks.CreateContainer ??= [],
        "startContainer" => hooks.StartContainer ??= [],
        "poststart" => hooks.Poststart ??= [],
        _ => hooks.Poststop ??= [],
    };
}
