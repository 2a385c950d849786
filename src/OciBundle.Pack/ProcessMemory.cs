namespace OciBundle.Pack;

/// <summary>This process's resident memory from /proc/self/status, so the bench can subtract the baseline from the peak.</summary>
internal static class ProcessMemory
{
    /// <summary>A "kB" field such as VmRSS (now) or VmHWM (the peak so far); -1 where /proc is missing.</summary>
    public static long ReadKb(string field)
    {
        const string StatusFile = "/proc/self/status";
        if (!File.Exists(StatusFile))
        {
            return -1;
        }

        foreach (var line in File.ReadLines(StatusFile))
        {
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
            {
                return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return -1;
    }
}
