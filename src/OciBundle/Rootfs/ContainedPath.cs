namespace OciBundle.Rootfs;

/// <summary>What a path names, as far as walking a path needs to know.</summary>
public readonly record struct PathNode(bool IsDirectory, string? LinkTarget);

/// <summary>
/// Walks a path the way the kernel does inside a container's root: '.' and '..' (never above the
/// root), symbolic links followed with absolute targets taken from the root, at most 40 links
/// (ELOOP). One walker for the rootfs tree and for a sysroot on the host, so the two agree.
/// </summary>
public static class ContainedPath
{
    private const int MaxLinks = 40;

    /// <param name="lookup">What a normalised path is, or null when nothing is there.</param>
    /// <param name="onLink">Told of every link on the way: its path and its target as written.</param>
    /// <returns>The normalised path the walk ends at (not the root), or null: missing, a loop, or a non-folder in the middle.</returns>
    public static string? Resolve(string path, Func<string, PathNode?> lookup, Action<string, string>? onLink = null)
    {
        var parts = new Queue<string>(path.Split('/', StringSplitOptions.RemoveEmptyEntries));
        var resolved = new List<string>();
        var links = 0;
        while (parts.Count > 0)
        {
            var part = parts.Dequeue();
            if (part == ".")
            {
                continue;
            }

            if (part == "..")
            {
                if (resolved.Count > 0)
                {
                    resolved.RemoveAt(resolved.Count - 1);
                }

                continue;
            }

            resolved.Add(part);
            var current = string.Join('/', resolved);
            if (lookup(current) is not { } node)
            {
                return null;
            }

            if (node.LinkTarget is { } target)
            {
                if (++links > MaxLinks)
                {
                    return null;
                }

                onLink?.Invoke(current, target);
                resolved.RemoveAt(resolved.Count - 1);
                if (target.StartsWith('/'))
                {
                    resolved.Clear();
                }

                parts = new Queue<string>(target.Split('/', StringSplitOptions.RemoveEmptyEntries).Concat(parts));
            }
            else if (parts.Count > 0 && !node.IsDirectory)
            {
                return null;
            }
        }

        return resolved.Count > 0 ? string.Join('/', resolved) : null;
    }
}
