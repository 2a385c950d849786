using System.Diagnostics.CodeAnalysis;

namespace OciBundle.Rootfs;

/// <summary>Normalises paths inside the rootfs to the form <see cref="RootfsEntry.Path"/> uses.</summary>
public static class RootfsPath
{
    /// <summary>
    /// Turns "/usr//bin/./env", "./usr/bin/env" or "usr/bin/env/" into "usr/bin/env".
    /// Returns false, with a reason, for paths that contain '..' or NUL; "" is the root itself.
    /// </summary>
    public static bool TryNormalize(string path, [NotNullWhen(true)] out string? normalized, [NotNullWhen(false)] out string? reason)
    {
        normalized = null;
        if (path.Contains('\0'))
        {
            reason = "it contains a NUL character";
            return false;
        }

        var parts = new List<string>();
        foreach (var part in path.Split('/'))
        {
            if (part.Length == 0 || part == ".")
            {
                continue;
            }

            if (part == "..")
            {
                reason = "it contains '..'";
                return false;
            }

            parts.Add(part);
        }

        normalized = string.Join('/', parts);
        reason = null;
        return true;
    }

    /// <summary>
    /// <see cref="TryNormalize"/> for a path a project writes (an item's path, a mount
    /// destination): also no control characters, such as a newline pasted into a value, which
    /// no one means in a path and which runc and shells read in surprising ways.
    /// </summary>
    public static bool TryNormalizeWritten(string path, [NotNullWhen(true)] out string? normalized, [NotNullWhen(false)] out string? reason)
    {
        if (path.FirstOrDefault(char.IsControl) is var control && control != default)
        {
            normalized = null;
            reason = control == '\0' ? "it contains a NUL character" : $"it contains the control character U+{(int)control:X4}";
            return false;
        }

        return TryNormalize(path, out normalized, out reason);
    }

    /// <summary>The parent of a normalised path, or "" for a top-level entry.</summary>
    public static string Parent(string normalized)
    {
        var slash = normalized.LastIndexOf('/');
        return slash < 0 ? "" : normalized[..slash];
    }

    /// <summary>Is <paramref name="path"/> the same as, or below, <paramref name="folder"/> (both normalised)?</summary>
    public static bool IsAtOrBelow(string path, string folder) =>
        folder.Length == 0
        || path == folder
        || (path.Length > folder.Length && path[folder.Length] == '/' && path.StartsWith(folder, StringComparison.Ordinal));
}
