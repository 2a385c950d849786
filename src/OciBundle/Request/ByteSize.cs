using System.Globalization;

namespace OciBundle.Request;

/// <summary>
/// Memory sizes as a project writes them: "268435456", "256M" (powers of 1000) or "256Mi"
/// (powers of 1024). Suffixes are case-sensitive so that "m" (milli in SI) is not taken for
/// mega by accident; lower-case "k" is accepted because it is the SI spelling of kilo.
/// </summary>
public static class ByteSize
{
    private static readonly (string Suffix, long Factor)[] Suffixes =
    [
        ("Ki", 1L << 10), ("Mi", 1L << 20), ("Gi", 1L << 30), ("Ti", 1L << 40),
        ("K", 1_000L), ("k", 1_000L), ("M", 1_000_000L), ("G", 1_000_000_000L), ("T", 1_000_000_000_000L),
    ];

    /// <summary>A whole number of bytes above 0 that fits the spec's int64 fields.</summary>
    public static bool TryParse(string text, out long bytes)
    {
        bytes = 0;
        var factor = 1L;
        var digits = text;
        foreach (var (suffix, value) in Suffixes)
        {
            if (text.EndsWith(suffix, StringComparison.Ordinal))
            {
                factor = value;
                digits = text[..^suffix.Length];
                break;
            }
        }

        if (digits.Length == 0
            || !long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            || number == 0)
        {
            return false;
        }

        try
        {
            bytes = checked(number * factor);
            return true;
        }
        catch (OverflowException)
        {
            return false;
        }
    }
}
