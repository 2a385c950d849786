using OciBundle.Spec;

namespace OciBundle.Building;

/// <summary>linux.resources.pids.limit from OciPidsLimit: the most tasks the container may run at once.</summary>
public static class PidsStep
{
    public static void Apply(SpecContext context, RuntimeSpec spec)
    {
        var reader = context.Reader;
        var limit = reader.LimitOrUnlimited(SurfaceNames.PidsLimit);
        if (limit is null)
        {
            return;
        }

        // Fill the member only: DeviceCgroupStep owns resources.devices.
        spec.Linux.Resources ??= new Resources();
        spec.Linux.Resources.Pids = new PidsResources { Limit = limit.Value };
    }
}
