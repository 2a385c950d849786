using System.Text.RegularExpressions;
using OciBundle.Request;

namespace OciBundle.Settings;

/// <summary>How OciUser and OciAdditionalGroup values are written: numbers, or names as in /etc/passwd and /etc/group.</summary>
public static partial class AccountNames
{
    /// <summary>A user or group name as useradd accepts it (a trailing '$' for machine accounts).</summary>
    public static bool IsName(string text) => NamePattern().IsMatch(text);

    /// <summary>Splits "user[:group]"; false when there are more parts or a part is neither a number nor a name.</summary>
    public static bool TrySplitUser(string text, out string user, out string? group)
    {
        var parts = text.Split(':');
        user = parts[0];
        group = parts.Length == 2 ? parts[1] : null;
        return parts.Length <= 2 && IsNumberOrName(user) && (group is null || IsNumberOrName(group));
    }

    public static bool IsNumberOrName(string text) => RequestReader.TryParseId(text, out _) || IsName(text);

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_.-]*\$?$")]
    private static partial Regex NamePattern();
}
