namespace OciBundle.Diagnostics;

/// <summary>
/// The known name closest to a misspelt one (edit distance, any case), for "did you mean …?" in
/// messages. Only close names are offered: a suggestion that is far off misleads more than none.
/// </summary>
public static class NearestName
{
    /// <summary>The nearest of <paramref name="known"/>, or null when none is within a third of the name's length (at least 1, at most 3 edits).</summary>
    public static string? Find(string name, IEnumerable<string> known)
    {
        var limit = Math.Clamp(name.Length / 3, 1, 3);
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in known)
        {
            var distance = Distance(name.ToUpperInvariant(), candidate.ToUpperInvariant());
            if (distance <= limit && distance < bestDistance)
            {
                (best, bestDistance) = (candidate, distance);
            }
        }

        return best;
    }

    /// <summary>" Did you mean X?" (with its leading space) to end a message, or "" when nothing is close.</summary>
    public static string Hint(string name, IEnumerable<string> known) =>
        Find(name, known) is { } nearest ? $" Did you mean {nearest}?" : "";

    /// <summary>Levenshtein distance where swapping two neighbours counts as one edit (optimal string alignment).</summary>
    public static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}
