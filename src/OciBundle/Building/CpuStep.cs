using System.Globalization;
using OciBundle.Diagnostics;
using OciBundle.Spec;

namespace OciBundle.Building;

/// <summary>
/// linux.resources.cpu from OciCpus (a number of CPUs, written as quota over period, as
/// docker run --cpus does), OciCpuShares, OciCpuQuota, OciCpuPeriod, OciCpusetCpus and
/// OciCpusetMems.
/// </summary>
public static class CpuStep
{
    /// <summary>The kernel's default CFS period, in microseconds.</summary>
    public const long DefaultPeriod = 100_000;

    public static void Apply(SpecContext context, RuntimeSpec spec)
    {
        var reader = context.Reader;
        var period = reader.Integer(SurfaceNames.CpuPeriod, 1_000, 1_000_000, text => reader.Diagnostics.Error(Messages.InvalidCpuPeriod, reader.Locate(SurfaceNames.CpuPeriod), text));
        var quota = reader.LimitOrUnlimited(SurfaceNames.CpuQuota);

        var cpusText = reader.String(SurfaceNames.Cpus);
        if (cpusText is not null)
        {
            var cpusQuota = ReadCpus(reader, cpusText, period ?? DefaultPeriod);
            if (cpusQuota is not null && quota is not null)
            {
                // Two answers for one field: refuse rather than pick one silently.
                reader.Diagnostics.Error(Messages.CpusWithCpuQuota, reader.Locate(SurfaceNames.CpuQuota), cpusText, quota);
            }
            else if (cpusQuota is not null)
            {
                quota = cpusQuota;
                period ??= DefaultPeriod;
            }
        }

        var cpu = new CpuResources
        {
            Shares = (ulong?)reader.Integer(SurfaceNames.CpuShares, 2, 262_144, text => reader.Diagnostics.Error(Messages.InvalidCpuShares, reader.Locate(SurfaceNames.CpuShares), text)),
            Quota = quota,
            Period = (ulong?)period,
            Cpus = ReadCpuList(reader, SurfaceNames.CpusetCpus),
            Mems = ReadCpuList(reader, SurfaceNames.CpusetMems),
        };
        if (cpu is { Shares: null, Quota: null, Period: null, Cpus: null, Mems: null })
        {
            return;
        }

        // Fill the member only: DeviceCgroupStep owns resources.devices.
        spec.Linux.Resources ??= new Resources();
        spec.Linux.Resources.Cpu = cpu;
    }

    /// <summary>cpus × period microseconds, rounded; null (and an error) when that is not a positive quota.</summary>
    private static long? ReadCpus(RequestReader reader, string text, long period)
    {
        if (decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var cpus)
            && cpus > 0
            && cpus <= long.MaxValue / period)
        {
            var quota = (long)decimal.Round(cpus * period, MidpointRounding.AwayFromZero);
            if (quota > 0)
            {
                return quota;
            }
        }

        reader.Diagnostics.Error(Messages.InvalidCpus, reader.Locate(SurfaceNames.Cpus), text, period);
        return null;
    }

    private static string? ReadCpuList(RequestReader reader, string name)
    {
        var text = reader.String(name);
        if (text is null || CpuList.IsValid(text))
        {
            return text;
        }

        reader.Diagnostics.Error(Messages.InvalidCpuset, reader.Locate(name), name, text);
        return null;
    }
}
