using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace OciBundle.Diagnostics;

/// <summary>
/// Where a bundle build spends its time, for OCIB5017 (logged at detailed verbosity only): the
/// stages in order (fingerprint, plan, rootfs, bill of materials, commit…) and, inside writing the
/// rootfs, the time spent reading source files, hashing them for the bill of materials, waiting on
/// the compressor and writing the output. It costs two clock reads a step, so it is always on.
/// The counters are reached through <see cref="Current"/>, which flows with the build's own
/// thread: builds running side by side in one MSBuild node count apart.
/// </summary>
public sealed class BuildTimings
{
    private static readonly AsyncLocal<BuildTimings?> s_current = new();

    private readonly long _start = Stopwatch.GetTimestamp();
    private readonly List<(string Stage, long Ticks)> _stages = [];
    private readonly long[] _parts = new long[Enum.GetValues<Part>().Length];
    private readonly ProcessCost _startCost;
    private long _last;

    // How much each stage raised the peak resident set (Linux only), to say where memory goes.
    private readonly List<(string Stage, long Kib)> _peakRaised = [];
    private long _peakSeen;

    public BuildTimings()
    {
        _last = _start;
        _startCost = ProcessCost.Now(resetPeak: true);
        _peakSeen = _startCost.PeakRssKib ?? 0;
    }

    /// <summary>Time spent inside one stage, summed over its calls (several threads may add).</summary>
    public enum Part
    {
        /// <summary>Reading source files for the tarball.</summary>
        Read,

        /// <summary>SHA-256 and SHA-1 of source files for the bill of materials.</summary>
        ContentHash,

        /// <summary>Handing tar bytes to the compressor: copying into blocks and waiting for a free one.</summary>
        Compress,

        /// <summary>Writing the compressed output file (part of <see cref="Compress"/>: the writer writes each finished member).</summary>
        Output,

        /// <summary>Putting staged data on disk (syncfs, fsync).</summary>
        Sync,

        /// <summary>SHA-256 of the gzip output, read back on a thread of its own beside the writer (not part of <see cref="Output"/>).</summary>
        OutputHash,
    }

    /// <summary>The timings of the build running on this thread, if any.</summary>
    public static BuildTimings? Current => s_current.Value;

    /// <summary>Seconds since the process started (MSBuild's start and evaluation, for a task), or null where the OS does not say.</summary>
    public static double? SinceProcessStart()
    {
        try
        {
            return (DateTime.Now - Process.GetCurrentProcess().StartTime).TotalSeconds;
        }
        catch (Exception e) when (e is InvalidOperationException or NotSupportedException or System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    /// <summary>Makes this the <see cref="Current"/> timings of the calling thread and what it starts.</summary>
    public BuildTimings Begin()
    {
        s_current.Value = this;
        return this;
    }

    /// <summary>Ends the stage that ran since the last mark, under <paramref name="stage"/>.</summary>
    public void Mark(string stage)
    {
        var now = Stopwatch.GetTimestamp();
        _stages.Add((stage, now - _last));
        _last = now;
        if (ProcessCost.ReadPeakRssKib() is { } peak)
        {
            if (_peakSeen > 0 && peak > _peakSeen)
            {
                _peakRaised.Add((stage, peak - _peakSeen));
            }

            _peakSeen = Math.Max(_peakSeen, peak);
        }
    }

    /// <summary>Adds the time since <paramref name="startTimestamp"/> (a <see cref="Stopwatch.GetTimestamp"/>) to <paramref name="part"/>.</summary>
    public void Add(Part part, long startTimestamp) =>
        Interlocked.Add(ref _parts[(int)part], Stopwatch.GetTimestamp() - startTimestamp);

    /// <summary>"fingerprint 0.10 s, plan 0.31 s, …; inside: read 0.25 s, …; total 5.20 s".</summary>
    public string Summary()
    {
        var text = new StringBuilder();
        foreach (var (stage, ticks) in _stages)
        {
            text.Append(CultureInfo.InvariantCulture, $"{stage} {Seconds(ticks)} s, ");
        }

        text.Length = Math.Max(0, text.Length - 2);
        var parts = Enum.GetValues<Part>().Where(p => _parts[(int)p] > 0).Select(p => $"{p.ToString().ToLowerInvariant()} {Seconds(_parts[(int)p])} s").ToList();
        if (parts.Count > 0)
        {
            text.Append("; of which ").AppendJoin(", ", parts);
        }

        text.Append(CultureInfo.InvariantCulture, $"; total {Seconds(Stopwatch.GetTimestamp() - _start)} s");
        var end = ProcessCost.Now(resetPeak: false);
        text.Append(CultureInfo.InvariantCulture, $", CPU {end.CpuSeconds - _startCost.CpuSeconds:F2} s");
        text.Append(CultureInfo.InvariantCulture, $", JIT {end.JitMethods - _startCost.JitMethods} methods in {end.JitSeconds - _startCost.JitSeconds:F2} s");
        text.Append(CultureInfo.InvariantCulture, $", allocated {Mebibytes(end.Allocated - _startCost.Allocated)} MiB");
        if (_startCost.RssKib is { } startRss && end.PeakRssKib is { } peak)
        {
            text.Append(CultureInfo.InvariantCulture, $", peak RSS +{Mebibytes((peak - startRss) * 1024)} MiB over {Mebibytes(startRss * 1024)} MiB at the start");
            var raised = _peakRaised.OrderByDescending(r => r.Kib).Take(3).Where(r => r.Kib >= 1024).ToList();
            if (raised.Count > 0)
            {
                text.Append(" (").AppendJoin(", ", raised.Select(r => $"+{Mebibytes(r.Kib * 1024)} in {r.Stage}")).Append(')');
            }
        }

        return text.ToString();
    }

    private static string Mebibytes(long bytes) => (Math.Max(0, bytes) / 1048576.0).ToString("F0", CultureInfo.InvariantCulture);

    private static string Seconds(long ticks) => (ticks / (double)Stopwatch.Frequency).ToString("F2", CultureInfo.InvariantCulture);

    /// <summary>
    /// What the process has spent so far: CPU (every thread: the build's, the compressor's, the
    /// runtime's), methods compiled by the JIT (zero for code that ReadyToRun precompiled), bytes
    /// the GC handed out, and on Linux the resident set and its peak (VmRSS, VmHWM).
    /// </summary>
    private readonly record struct ProcessCost(double CpuSeconds, long JitMethods, double JitSeconds, long Allocated, long? RssKib, long? PeakRssKib)
    {
        /// <param name="resetPeak">
        /// Resets the process's peak resident set first (Linux, `5` into /proc/self/clear_refs), so
        /// the peak read at the end is the build's own, not MSBuild's before it. It changes what a
        /// later reader of the peak of this process sees (such as `time`), which only ever is lower.
        /// </param>
        public static ProcessCost Now(bool resetPeak)
        {
            if (resetPeak && OperatingSystem.IsLinux())
            {
                try
                {
                    File.WriteAllText("/proc/self/clear_refs", "5");
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // An older kernel or a locked-down /proc: the peak then includes MSBuild's.
                }
            }

            var (rss, peak) = ReadStatus();
            double cpu;
            try
            {
                cpu = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
            }
            catch (Exception e) when (e is InvalidOperationException or NotSupportedException or System.ComponentModel.Win32Exception)
            {
                cpu = 0;
            }

            return new ProcessCost(
                cpu,
                System.Runtime.JitInfo.GetCompiledMethodCount(currentThread: false),
                System.Runtime.JitInfo.GetCompilationTime(currentThread: false).TotalSeconds,
                GC.GetTotalAllocatedBytes(precise: false),
                rss,
                peak);
        }

        /// <summary>VmHWM in KiB, or null where the OS does not say.</summary>
        public static long? ReadPeakRssKib() => ReadStatus().Peak;

        /// <summary>VmRSS and VmHWM in KiB from /proc/self/status; nulls elsewhere.</summary>
        private static (long? Rss, long? Peak) ReadStatus()
        {
            if (!OperatingSystem.IsLinux())
            {
                return (null, null);
            }

            try
            {
                long? rss = null, peak = null;
                foreach (var line in File.ReadLines("/proc/self/status"))
                {
                    if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                    {
                        rss = Kibibytes(line);
                    }
                    else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                    {
                        peak = Kibibytes(line);
                    }
                }

                return (rss, peak);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return (null, null);
            }
        }

        /// <summary>"VmRSS:\t  123456 kB" → 123456.</summary>
        private static long? Kibibytes(string line)
        {
            var value = line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
            var space = value.IndexOf(' ', StringComparison.Ordinal);
            return long.TryParse(space < 0 ? value : value[..space], NumberStyles.None, CultureInfo.InvariantCulture, out var kib) ? kib : null;
        }
    }
}
