using OciBundle.Diagnostics;
using OciBundle.Spec;

namespace OciBundle.Building;

/// <summary>
/// linux.resources.memory from OciMemoryLimit, OciMemoryReservation and OciMemorySwap. How the
/// three relate (swap at least the limit, reservation at most the limit) is checked in SpecRules.
/// </summary>
public static class MemoryStep
{
    public static void Apply(SpecContext context, RuntimeSpec spec)
    {
        var reader = context.Reader;
        var memory = new MemoryResources
        {
            Limit = ReadSize(reader, SurfaceNames.MemoryLimit),
            Reservation = ReadSize(reader, SurfaceNames.MemoryReservation),
            Swap = ReadSwap(reader),
        };
        if (memory.Limit is null && memory.Reservation is null && memory.Swap is null)
        {
            return;
        }

        // Fill the member only: DeviceCgroupStep owns resources.devices.
        spec.Linux.Resources ??= new Resources();
        spec.Linux.Resources.Memory = memory;
    }

    private static long? ReadSize(RequestReader reader, string name)
    {
        var text = reader.String(name);
        if (text is null)
        {
            return null;
        }

        if (ByteSize.TryParse(text, out var bytes))
        {
            return bytes;
        }

        reader.Diagnostics.Error(Messages.InvalidByteSize, reader.Locate(name), name, text);
        return null;
    }

    /// <summary>memory.swap is memory plus swap; -1 lifts the limit (runc writes "max").</summary>
    private static long? ReadSwap(RequestReader reader)
    {
        var text = reader.String(SurfaceNames.MemorySwap);
        if (text is null)
        {
            return null;
        }

        if (text == "-1")
        {
            return -1;
        }

        if (ByteSize.TryParse(text, out var bytes))
        {
            return bytes;
        }

        reader.Diagnostics.Error(Messages.InvalidSwapSize, reader.Locate(SurfaceNames.MemorySwap), text);
        return null;
    }
}
