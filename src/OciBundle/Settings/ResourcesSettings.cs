using System.Globalization;
using OciBundle.Diagnostics;
using OciBundle.Request;

namespace OciBundle.Settings;

/// <summary>
/// linux.resources as settings: OciMemoryLimit, OciMemoryReservation, OciMemorySwap, OciCpus,
/// OciCpuShares, OciCpuQuota, OciCpuPeriod, OciCpusetCpus, OciCpusetMems, OciPidsLimit and
/// OciBlockIOWeight, each parsed and checked alone (OCIB1xxx). How the memory values relate is
/// a rule over the spec (SpecRules). A value that is not set, or is refused, is null.
/// </summary>
public sealed record ResourcesSettings(
    Setting<long>? MemoryLimit,
    Setting<long>? MemoryReservation,
    Setting<long>? MemorySwap,
    Setting<long>? CpuShares,
    Setting<long>? CpuQuota,
    Setting<long>? CpuPeriod,
    Setting<string>? CpusetCpus,
    Setting<string>? CpusetMems,
    Setting<long>? PidsLimit,
    Setting<long>? BlockIOWeight)
{
    /// <summary>The kernel's default CFS period, in microseconds.</summary>
    public const long DefaultCpuPeriod = 100_000;

    /// <summary>Names given but refused (reported), so the rules over the spec add no second error about them.</summary>
    public IReadOnlyCollection<string> Refused { get; private init; } = [];

    public static ResourcesSettings Read(RequestReader reader)
    {
        var refused = new HashSet<string>(StringComparer.Ordinal);
        Origin Of(string name) => Origin.Property(reader, name);
        T? Refuse<T>(string name)
            where T : class
        {
            refused.Add(name);
            return null;
        }

        // Memory first, then CPU, pids and block I/O: the order the reports have always come in.
        Setting<long>? Size(string name, string? text)
        {
            if (text is null)
            {
                // Given with a NUL byte (reported by String): refused too.
                return reader.Request.Get(name) is null ? null : Refuse<Setting<long>>(name);
            }

            if (ByteSize.TryParse(text, out var bytes))
            {
                return new(bytes, Of(name));
            }

            reader.Diagnostics.Error(Messages.InvalidByteSize, reader.Locate(name), name, text);
            return Refuse<Setting<long>>(name);
        }

        var memoryLimit = Size(SurfaceNames.MemoryLimit, SurfaceReads.MemoryLimit(reader));
        var memoryReservation = Size(SurfaceNames.MemoryReservation, SurfaceReads.MemoryReservation(reader));
        var memorySwap = ReadSwap(reader, Refuse<Setting<long>>);

        var period = SurfaceReads.CpuPeriod(reader, 1_000, 1_000_000, text => reader.Diagnostics.Error(Messages.InvalidCpuPeriod, reader.Locate(SurfaceNames.CpuPeriod), text));
        var quota = SurfaceReads.CpuQuota(reader);
        var periodSetting = period is { } p ? new Setting<long>(p, Of(SurfaceNames.CpuPeriod)) : null;
        var quotaSetting = quota is { } q ? new Setting<long>(q, Of(SurfaceNames.CpuQuota)) : null;
        var cpusText = SurfaceReads.Cpus(reader);
        if (cpusText is not null)
        {
            var cpusQuota = ReadCpus(reader, cpusText, period ?? DefaultCpuPeriod);
            if (cpusQuota is not null && quota is not null)
            {
                // Two answers for one field: refuse rather than pick one silently.
                reader.Diagnostics.Error(Messages.CpusWithCpuQuota, reader.Locate(SurfaceNames.CpuQuota), cpusText, quota);
            }
            else if (cpusQuota is not null)
            {
                // --cpus as docker run reads it: a quota over the given period, or the kernel's.
                quotaSetting = new(cpusQuota.Value, Of(SurfaceNames.Cpus));
                periodSetting ??= new(DefaultCpuPeriod, Of(SurfaceNames.Cpus));
            }
        }

        var shares = SurfaceReads.CpuShares(reader, 2, 262_144, text => reader.Diagnostics.Error(Messages.InvalidCpuShares, reader.Locate(SurfaceNames.CpuShares), text));
        var cpus = CpuList(reader, SurfaceNames.CpusetCpus, SurfaceReads.CpusetCpus(reader));
        var mems = CpuList(reader, SurfaceNames.CpusetMems, SurfaceReads.CpusetMems(reader));
        var pids = SurfaceReads.PidsLimit(reader);
        var weight = SurfaceReads.BlockIOWeight(reader, 10, 1000, text => reader.Diagnostics.Error(Messages.InvalidBlockIOWeight, reader.Locate(SurfaceNames.BlockIOWeight), text));
        return new ResourcesSettings(
            memoryLimit,
            memoryReservation,
            memorySwap,
            shares is { } s ? new(s, Of(SurfaceNames.CpuShares)) : null,
            quotaSetting,
            periodSetting,
            cpus,
            mems,
            pids is { } l ? new(l, Of(SurfaceNames.PidsLimit)) : null,
            weight is { } w ? new(w, Of(SurfaceNames.BlockIOWeight)) : null)
        {
            Refused = refused,
        };
    }

    /// <summary>memory.swap is memory plus swap; -1 lifts the limit (runc writes "max").</summary>
    private static Setting<long>? ReadSwap(RequestReader reader, Func<string, Setting<long>?> refuse)
    {
        var text = SurfaceReads.MemorySwap(reader);
        if (text is null)
        {
            return null;
        }

        if (text == "-1")
        {
            return new(-1, Origin.Property(reader, SurfaceNames.MemorySwap));
        }

        if (ByteSize.TryParse(text, out var bytes))
        {
            return new(bytes, Origin.Property(reader, SurfaceNames.MemorySwap));
        }

        reader.Diagnostics.Error(Messages.InvalidSwapSize, reader.Locate(SurfaceNames.MemorySwap), text);
        return refuse(SurfaceNames.MemorySwap);
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

    private static Setting<string>? CpuList(RequestReader reader, string name, string? text)
    {
        if (text is null)
        {
            return null;
        }

        if (Settings.CpuList.IsValid(text))
        {
            return new(text, Origin.Property(reader, name));
        }

        reader.Diagnostics.Error(Messages.InvalidCpuset, reader.Locate(name), name, text);
        return null;
    }
}
