using System.Globalization;
using OciBundle.Diagnostics;

namespace OciBundle.Request;

/// <summary>
/// Reads typed values out of a <see cref="BundleRequest"/>, reporting malformed ones (OCIB1xxx)
/// with the property's name, its value and where it was written.
/// </summary>
public sealed class RequestReader(BundleRequest request, DiagnosticBag diagnostics)
{
    public BundleRequest Request => request;

    public DiagnosticBag Diagnostics => diagnostics;

    public string? String(string name)
    {
        var value = request.Get(name);
        if (value is not null && value.Contains('\0'))
        {
            diagnostics.Error(Messages.NulByte, Locate(name), name, value.Replace('\0', '?'));
            return null;
        }

        return value;
    }

    public bool Bool(string name, bool defaultValue)
    {
        var value = request.Get(name);
        if (value is null)
        {
            return defaultValue;
        }

        if (bool.TryParse(value, out var result))
        {
            return result;
        }

        // Each switch is read by one stage (the settings reader for the shared ones), so it is reported once.
        diagnostics.Error(Messages.InvalidBoolean, Locate(name), name, value);
        return defaultValue;
    }

    /// <summary>A whole number from min to max; otherwise <paramref name="reportInvalid"/> is told the text and null is returned.</summary>
    public long? Integer(string name, long min, long max, Action<string> reportInvalid)
    {
        var text = String(name);
        if (text is null)
        {
            return null;
        }

        if (TryParseInteger(text, min, max, out var value))
        {
            return value;
        }

        reportInvalid(text);
        return null;
    }

    /// <summary>A cgroup limit where -1 means "no limit" and 0 would mean nothing useful (OCIB1054).</summary>
    public long? LimitOrUnlimited(string name)
    {
        var value = Integer(name, -1, long.MaxValue, text => diagnostics.Error(Messages.InvalidLimitOrUnlimited, Locate(name), name, text));
        if (value == 0)
        {
            diagnostics.Error(Messages.InvalidLimitOrUnlimited, Locate(name), name, "0");
            return null;
        }

        return value;
    }

    public SourceLocation? Locate(string propertyName) => request.LocateProperty(propertyName);

    public IReadOnlyList<RequestItem> Items(string itemType) => request.GetItems(itemType);

    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/>, with an optional leading '-'.</summary>
    public static bool TryParseInteger(string text, long min, long max, out long value) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value)
        && !text.StartsWith('+')
        && value >= min && value <= max;

    /// <summary>A uid or gid: 0 to 4294967294 (4294967295 is the kernel's "no id").</summary>
    public static bool TryParseId(string text, out uint id) =>
        uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out id) && id != uint.MaxValue;

    /// <summary>An octal permission mode, "0755", "755" or "4755": 0 to 07777.</summary>
    public static bool TryParseMode(string text, out int mode)
    {
        mode = 0;
        var digits = text.StartsWith("0o", StringComparison.OrdinalIgnoreCase) ? text[2..] : text;
        if (digits.Length is 0 or > 5)
        {
            return false;
        }

        foreach (var c in digits)
        {
            if (c is < '0' or > '7')
            {
                return false;
            }

            mode = (mode * 8) + (c - '0');
        }

        return mode <= 0b111_111_111_111; // 07777
    }
}
