using System.Globalization;

namespace OciBundle.Output;

/// <summary>
/// Remembers the inputs' fingerprint and the outputs it produced (size and write time), so a
/// build with nothing changed can stop without writing anything.
/// </summary>
public static class UpToDateStamp
{
    internal const string Header = "oci-bundle-stamp 1";

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
    public static void TryWrite(string? stampFile, string fingerprint, IReadOnlyList<BundleOutputFile> outputs)
    {
        try
        {
            Write(stampFile, fingerprint, outputs);
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

    public static void Write(string? stampFile, string fingerprint, IReadOnlyList<BundleOutputFile> outputs)
    {
        if (stampFile is null)
        {
            return;
        }

        var lines = new List<string> { Header, fingerprint };
        lines.AddRange(outputs.Select(o => string.Join('\t', o.Kind, o.Path, o.Size.ToString(CultureInfo.InvariantCulture), WriteTicks(o.Path).ToString(CultureInfo.InvariantCulture), o.Sha256)));
        Directory.CreateDirectory(Path.GetDirectoryName(stampFile)!);
        File.WriteAllLines(stampFile, lines);
    }

    private static long WriteTicks(string path) =>
        File.Exists(path) ? File.GetLastWriteTimeUtc(path).Ticks
        : Directory.Exists(path) ? Directory.GetLastWriteTimeUtc(path).Ticks
        : -1;
}
