using OciBundle.Spec;

namespace OciBundle.Steps;

/// <summary>
/// process.capabilities from the OciCapability items read into <see cref="IsolationSettings"/>,
/// each granted once and recorded at its last item.
/// </summary>
public static class CapabilityStep
{
    public static void Apply(SpecContext context, RuntimeSpec spec)
    {
        var isolation = context.Settings.Isolation;
        var granted = new List<string>();
        var ambient = new List<string>();
        foreach (var (capability, origin) in isolation.Capabilities)
        {
            context.Origins.Set(SpecPaths.Capability(capability.Name), origin);
            if (!granted.Contains(capability.Name))
            {
                granted.Add(capability.Name);
            }

            if (capability.Ambient && !ambient.Contains(capability.Name))
            {
                ambient.Add(capability.Name);
            }
        }

        if (isolation.AmbientOrigin is { } ambientOrigin)
        {
            context.Origins.Set(SpecPaths.Ambient, ambientOrigin);
        }

        // Bounding, effective and permitted carry the same set. Inheritable and ambient stay
        // empty unless asked for, so a process started by exec keeps only what it was meant to;
        // an ambient capability must also be inheritable (and permitted) or the kernel drops it.
        spec.Process.Capabilities = new Capabilities
        {
            Bounding = [.. granted],
            Effective = [.. granted],
            Inheritable = ambient.Count > 0 ? [.. ambient] : null,
            Permitted = [.. granted],
            Ambient = ambient.Count > 0 ? [.. ambient] : null,
        };
    }
}
