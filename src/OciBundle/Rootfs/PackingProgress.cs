namespace OciBundle.Rootfs;

/// <summary>
/// Progress of a long rootfs write, as the .NET SDK reports long tasks: nothing for a write that
/// ends within <paramref name="first"/>, then one line every <paramref name="every"/>. Counting is
/// a pair of additions per entry and a clock read; the bytes written never depend on it.
/// </summary>
public sealed class PackingProgress(Action<string> say, long totalBytes, int totalEntries, TimeSpan first, TimeSpan every, Func<TimeSpan>? clock = null)
{
    /// <summary>The thresholds a build uses: quiet for 5 s, then a line every 5 s.</summary>
    public static readonly TimeSpan DefaultFirst = TimeSpan.FromSeconds(5);

    public static readonly TimeSpan DefaultEvery = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The environment variable that replaces both thresholds (seconds, 0 or more): a knob for tests
    /// and for anyone who wants to see the lines on a small rootfs, without a slow write to wait for.
    /// </summary>
    public const string IntervalVariable = "OCIBUNDLE_PROGRESS_SECONDS";

    /// <summary>The thresholds: <see cref="IntervalVariable"/>'s when it is a number of seconds, else the defaults.</summary>
    public static (TimeSpan First, TimeSpan Every) Thresholds(string? setting) =>
        double.TryParse(setting, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
            && seconds >= 0 && seconds <= TimeSpan.FromDays(1).TotalSeconds
            ? (TimeSpan.FromSeconds(seconds), TimeSpan.FromSeconds(seconds))
            : (DefaultFirst, DefaultEvery);

    private readonly Func<TimeSpan> _clock = clock ?? System.Diagnostics.Stopwatch.StartNew() switch { var watch => () => watch.Elapsed };
    private TimeSpan _next = first;
    private long _bytes;
    private int _entries;

    /// <summary>The whole tree: its regular files' bytes and its entry count.</summary>
    public static PackingProgress For(IReadOnlyList<RootfsEntry> sorted, Action<string> say, TimeSpan first, TimeSpan every, Func<TimeSpan>? clock = null) =>
        new(say, sorted.Where(e => e.Type == RootfsEntryType.RegularFile).Sum(e => e.Size), sorted.Count, first, every, clock);

    /// <summary>One entry written.</summary>
    public void Advance(RootfsEntry entry)
    {
        _entries++;
        if (entry.Type == RootfsEntryType.RegularFile)
        {
            _bytes += entry.Size;
        }

        var now = _clock();
        if (now >= _next)
        {
            _next = now + every;
            say(Describe());
        }
    }

    private string Describe() => string.Format(
        System.Globalization.CultureInfo.InvariantCulture,
        "{0} of {1}, {2:N0} of {3:N0} entries",
        Mebibytes(_bytes),
        Mebibytes(totalBytes),
        _entries,
        totalEntries);

    private static string Mebibytes(long bytes) => string.Format(System.Globalization.CultureInfo.InvariantCulture, "{0:N0} MiB", bytes / (1024 * 1024));
}
