using System.Globalization;

namespace OciBundle.Settings;

/// <summary>The kernel's cpuset list syntax ("0-3,5"), as cpuset.cpus and cpuset.mems take it.</summary>
public static class CpuList
{
    public static bool IsValid(string text)
    {
        foreach (var part in text.Split(','))
        {
            var bounds = part.Split('-');
            if (bounds.Length > 2 || !bounds.All(IsNumber))
            {
                return false;
            }

            // A descending range ("3-1") is refused by the kernel with EINVAL when runc writes it.
            if (bounds.Length == 2 && Number(bounds[0]) > Number(bounds[1]))
            {
                return false;
            }
        }

        return true;
    }

    // Nine digits at most, so the value always fits an int.
    private static bool IsNumber(string text) => text.Length is > 0 and <= 9 && text.All(char.IsAsciiDigit);

    private static int Number(string text) => int.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);
}
