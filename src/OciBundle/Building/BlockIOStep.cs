using OciBundle.Diagnostics;
using OciBundle.Spec;

namespace OciBundle.Building;

/// <summary>linux.resources.blockIO.weight from OciBlockIOWeight (the cgroup v1 blkio.weight range, 10 to 1000).</summary>
public static class BlockIOStep
{
    public static void Apply(SpecContext context, RuntimeSpec spec)
    {
        var reader = context.Reader;
        var weight = reader.Integer(SurfaceNames.BlockIOWeight, 10, 1000, text => reader.Diagnostics.Error(Messages.InvalidBlockIOWeight, reader.Locate(SurfaceNames.BlockIOWeight), text));
        if (weight is null)
        {
            return;
        }

        // Fill the member only: DeviceCgroupStep owns resources.devices.
        spec.Linux.Resources ??= new Resources();
        spec.Linux.Resources.BlockIO = new BlockIOResources { Weight = (ushort)weight.Value };
    }
}
