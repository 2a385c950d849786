using OciBundle.Spec;

namespace OciBundle.Steps;

/// <summary>linux.rootfsPropagation from <see cref="KernelSettings"/>.</summary>
public static class RootfsPropagationStep
{
    public static void Apply(SpecContext context, RuntimeSpec spec)
    {
        if (context.Settings.Kernel.RootfsPropagation is { } propagation)
        {
            spec.Linux.RootfsPropagation = propagation.Value;
        }
    }
}
