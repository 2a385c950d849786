using System.Globalization;

namespace OciBundle.Output;

/// <summary>
/// Remembers the inputs' fingerprint and the outputs it produced (size and write time), so a
/// build with nothing changed can stop without writing anything.
/// </summary>
public static class UpToDateStamp
{
    internal const string Header = "oci-bundle-stamp 1";

    /// <summary>Kind of the stamp lines that name one input and its short digest (three fields, so older readers skip them).</summary>
    internal const string InputKind = "input";

    /// <summary>Twice the coarsest kernel tick (HZ=100): file times never lag the real clock by more.</summary>
    private static readonly TimeSpan ClockTick = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// Why <see cref="ReadIfCurrent"/> found the bundle not up to date, in words: no earlier stamp,
    /// a stamp from an older version, the first input entry that differs, or the output that was
    /// deleted or touched. Only for logging; the decision stays with <see cref="ReadIfCurrent"/>.
    /// </summary>
    public static string WhyNotCurrent(string? stampFile, FingerprintResult fingerprint)
    {
        if (stampFile is null || !File.Exists(stampFile))
        {
            return "no earlier stamp";
        }

        string[] lines;
        try
        {
            lines = File.ReadAllLines(stampFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "the earlier stamp cannot be read";
        }

        if (lines.Length < 2 || lines[0] != Header)
        {
            return "stamp from an older version";
        }

        var rows = lines.Skip(2).Select(l => l.Split('\t')).ToList();
        if (lines[1] == fingerprint.Digest)
        {
            foreach (var parts in rows.Where(p => p.Length >= 4 && p[0] != InputKind))
            {
                var path = parts[1];
                if (!File.Exists(path) && !Directory.Exists(path))
                {
                    return $"output {path} missing";
                }

                if (!long.TryParse(parts[3], NumberStyles.Integer, CultureInfo.InvariantCulture, out var ticks) || WriteTicks(path) != ticks)
                {
                    return $"output {path} changed since it was written";
                }
            }

            return "the earlier stamp is incomplete";
        }

        var earlier = new Dictionary<string, string>(StringComparer.Ordinal);
        var earlierOrder = new List<string>();
        foreach (var parts in rows.Where(p => p.Length == 3 && p[0] == InputKind))
        {
            if (earlier.TryAdd(parts[1], parts[2]))
            {
                earlierOrder.Add(parts[1]);
            }
        }

        if (earlier.Count == 0)
        {
            return "stamp from an older version";
        }

        // The first difference in input order: a removed entry counts where it stood, so removing
        // a property is named before the config.json it also changes.
        var now = fingerprint.Entries.Select(e => e.Key).ToHashSet(StringComparer.Ordinal);
        var firstRemoved = -1;
        var keptBeforeIt = 0;
        foreach (var key in earlierOrder)
        {
            if (!now.Contains(key))
            {
                firstRemoved = keptBeforeIt;
                break;
            }

            keptBeforeIt++;
        }

        for (var i = 0; i < fingerprint.Entries.Count; i++)
        {
            var (key, digest) = fingerprint.Entries[i];
            var difference = !earlier.TryGetValue(key, out var before) ? $"{key} added"
                : before != digest ? (key == "tool" ? "OciBundle.Sdk itself changed" : $"{key} changed")
                : null;
            if (firstRemoved >= 0 && firstRemoved <= i)
            {
                return $"{earlierOrder.First(k => !now.Contains(k))} removed";
            }

            if (difference is not null)
            {
                return difference;
            }
        }

        if (firstRemoved >= 0)
        {
            return $"{earlierOrder.First(k => !now.Contains(k))} removed";
        }

        return "the inputs' digest changed";
    }

    public static IReadOnlyList<BundleOutputFile>? ReadIfCurrent(string? stampFile, string fingerprint)
    {
        if (stampFile is null || !File.Exists(stampFile))
        {
            return null;
        }

        try
        {
            var lines = File.ReadAllLines(stampFile);
            if (lines.Length < 2 || lines[0] != Header || lines[1] != fingerprint)
            {
                return null;
            }

            var outputs = new List<BundleOutputFile>();
            foreach (var line in lines.Skip(2))
            {
                var parts = line.Split('\t');
                if (parts[0] == InputKind)
                {
                    continue; // a named input's digest: only for saying why a bundle was rewritten
                }

                var (kind, path, size, ticks, sha) = (parts[0], parts[1], long.Parse(parts[2], CultureInfo.InvariantCulture), long.Parse(parts[3], CultureInfo.InvariantCulture), parts[4]);
                if (WriteTicks(path) != ticks)
                {
                    return null; // deleted or touched since: write again
                }

                outputs.Add(new BundleOutputFile(path, kind, size, sha));
            }

            return outputs;
        }
        catch (Exception e) when (e is IOException or FormatException or IndexOutOfRangeException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// Writes the stamp after the bundle is in place. A stamp that cannot be written only costs the
    /// next build its shortcut, so that is no reason to fail a build whose bundle is already there.
    /// </summary>
    public static void TryWrite(string? stampFile, string fingerprint, IReadOnlyList<BundleOutputFile> outputs, IReadOnlyList<KeyValuePair<string, string>>? entries = null)
    {
        try
        {
            Write(stampFile, fingerprint, outputs, entries);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            try
            {
                File.Delete(stampFile!); // never a stale stamp that claims the new outputs are current
            }
            catch (Exception again) when (again is IOException or UnauthorizedAccessException)
            {
                // Its fingerprint is the previous build's and cannot match this one's outputs' times.
            }
        }
    }

    public static void Write(string? stampFile, string fingerprint, IReadOnlyList<BundleOutputFile> outputs, IReadOnlyList<KeyValuePair<string, string>>? entries = null)
    {
        if (stampFile is null)
        {
            return;
        }

        var lines = new List<string> { Header, fingerprint };
        lines.AddRange(outputs.Select(o => string.Join('\t', o.Kind, o.Path, o.Size.ToString(CultureInfo.InvariantCulture), WriteTicks(o.Path).ToString(CultureInfo.InvariantCulture), o.Sha256, SettledIdentity(o.Path))));
        lines.AddRange((entries ?? []).Select(e => string.Join('\t', InputKind, e.Key, e.Value)));
        Directory.CreateDirectory(Path.GetDirectoryName(stampFile)!);
        File.WriteAllLines(stampFile, lines);
    }

    /// <summary>
    /// The output's identity from <c>statx</c> (device, inode, size, mtime and ctime in
    /// nanoseconds, mode), as <see cref="OutputOwnership"/> compares it to prove a file is still
    /// the one we wrote without reading it; "" for a folder, a link or without statx.
    /// </summary>
    internal static string Identity(string path)
    {
        Platform.Interop.StatxInfo? stat;
        try
        {
            stat = Platform.Interop.StatxInfo.TryGet(path);
        }
        catch (IOException)
        {
            return "";
        }

        return stat is { IsRegularFile: true } s
            ? string.Create(CultureInfo.InvariantCulture, $"{s.DeviceMajor}:{s.DeviceMinor}:{s.Inode}:{s.Size}:{s.MtimeSeconds}.{s.MtimeNanoseconds:D9}:{s.CtimeSeconds}.{s.CtimeNanoseconds:D9}:{s.Mode}")
            : "";
    }

    /// <summary>
    /// <see cref="Identity"/>, taken once the file system's clock has moved past the file's ctime.
    /// The kernel stamps ctime from a coarse clock (one tick, at most 10 ms): a write in the same
    /// tick as the rename that put the output in place would leave ctime as it was, so the identity
    /// is only recorded when any later write is sure to give a new ctime (git's "racy clean" rule).
    /// </summary>
    private static string SettledIdentity(string path)
    {
        var identity = Identity(path);
        if (identity.Length == 0)
        {
            return "";
        }

        var ctime = identity.Split(':')[5].Split('.');
        var changed = DateTimeOffset.FromUnixTimeSeconds(long.Parse(ctime[0], CultureInfo.InvariantCulture)).AddTicks(long.Parse(ctime[1], CultureInfo.InvariantCulture) / 100);
        var settled = changed + ClockTick - DateTimeOffset.UtcNow;
        if (settled > TimeSpan.Zero)
        {
            Thread.Sleep(settled);
            identity = Identity(path); // unchanged unless something wrote to it meanwhile: then the new one
        }

        return identity;
    }

    private static long WriteTicks(string path) =>
        File.Exists(path) ? File.GetLastWriteTimeUtc(path).Ticks
        : Directory.Exists(path) ? Directory.GetLastWriteTimeUtc(path).Ticks
        : -1;
}
