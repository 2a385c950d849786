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
    private long _last;

    public BuildTimings() => _last = _start;

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
        return text.ToString();
    }

    private static string Seconds(long ticks) => (ticks / (double)Stopwatch.Frequency).ToString("F2", CultureInfo.InvariantCulture);
}
