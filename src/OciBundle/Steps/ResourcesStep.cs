using OciBundle.Settings;
using OciBundle.Spec;

namespace OciBundle.Steps;

/// <summary>
/// linux.resources' memory, cpu, pids and blockIO from <see cref="ResourcesSettings"/>, each
/// member only when one of its values is set (DeviceCgroupStep owns resources.devices), with
/// where each value came from.
/// </summary>
public static class ResourcesStep
{
    public static void Apply(SpecContext context, RuntimeSpec spec)
    {
        var r = context.Settings.Resources;
        var origins = context.Origins;
        foreach (var name in r.Refused)
        {
            origins.Refuse(name);
        }

        Record(origins, SpecPaths.MemoryLimit, r.MemoryLimit);
        Record(origins, SpecPaths.MemoryReservation, r.MemoryReservation);
        Record(origins, SpecPaths.MemorySwap, r.MemorySwap);
        if (r.MemoryLimit is not null || r.MemoryReservation is not null || r.MemorySwap is not null)
        {
            Resources(spec).Memory = new MemoryResources
            {
                Limit = r.MemoryLimit?.Value,
                Reservation = r.MemoryReservation?.Value,
                Swap = r.MemorySwap?.Value,
            };
        }

        Record(origins, SpecPaths.CpuShares, r.CpuShares);
        Record(origins, SpecPaths.CpuQuota, r.CpuQuota);
        Record(origins, SpecPaths.CpuPeriod, r.CpuPeriod);
        Record(origins, SpecPaths.CpusetCpus, r.CpusetCpus);
        Record(origins, SpecPaths.CpusetMems, r.CpusetMems);
        if (r is not { CpuShares: null, CpuQuota: null, CpuPeriod: null, CpusetCpus: null, CpusetMems: null })
        {
            Resources(spec).Cpu = new CpuResources
            {
                Shares = (ulong?)r.CpuShares?.Value,
                Quota = r.CpuQuota?.Value,
                Period = (ulong?)r.CpuPeriod?.Value,
                Cpus = r.CpusetCpus?.Value,
                Mems = r.CpusetMems?.Value,
            };
        }

        if (r.PidsLimit is { } pids)
        {
            origins.Set(SpecPaths.PidsLimit, pids.Origin);
            Resources(spec).Pids = new PidsResources { Limit = pids.Value };
        }

        if (r.BlockIOWeight is { } weight)
        {
            origins.Set(SpecPaths.BlockIOWeight, weight.Origin);
            Resources(spec).BlockIO = new BlockIOResources { Weight = (ushort)weight.Value };
        }
    }

    private static Resources Resources(RuntimeSpec spec) => spec.Linux.Resources ??= new Resources();

    private static void Record<T>(SpecOrigins origins, string path, Setting<T>? setting)
    {
        if (setting is not null)
        {
            origins.Set(path, setting.Origin);
        }
    }
}
