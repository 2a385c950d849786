namespace OciBundle.Rootfs;

/// <summary>
/// Finds a path inside a sysroot (a host folder laid out like a root filesystem, "/" by default)
/// the way the container will: symbolic links are followed inside the sysroot, absolute targets
/// from its root. Each link met is returned so the rootfs can get the same link, which keeps
/// names such as /lib64/ld-linux-x86-64.so.2 and libfoo.so.1 working there.
/// </summary>
public sealed class SysrootLookup(string sysroot)
{
    private const int MaxLinks = 40;

    public string Root { get; } = Path.GetFullPath(sysroot);

    /// <summary>One link on the way: its normalised rootfs path and its target as written.</summary>
    public sealed record Link(string Path, string Target);

    /// <summary>The regular file behind <paramref name="path"/> (its rootfs path and host path) and the links on the way; null when there is none.</summary>
    public (string RootfsPath, string HostPath, IReadOnlyList<Link> Links)? FindFile(string path)
    {
        var links = new List<Link>();
        var parts = new Queue<string>(path.Split('/', StringSplitOptions.RemoveEmptyEntries));
        var resolved = new List<string>();
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
            var rootfsPath = string.Join('/', resolved);
            var host = Path.Combine(Root, rootfsPath);
            var target = new FileInfo(host).LinkTarget;
            if (target is not null)
            {
                if (links.Count >= MaxLinks)
                {
                    return null;
                }

                links.Add(new Link(rootfsPath, target));
                resolved.RemoveAt(resolved.Count - 1);
                if (target.StartsWith('/'))
                {
                    resolved.Clear();
                }

                parts = new Queue<string>(target.Split('/', StringSplitOptions.RemoveEmptyEntries).Concat(parts));
                continue;
            }

            var isLast = parts.Count == 0;
            if (isLast ? !File.Exists(host) : !Directory.Exists(host))
            {
                return null;
            }
        }

        if (resolved.Count == 0)
        {
            return null;
        }

        var final = string.Join('/', resolved);
        return (final, Path.Combine(Root, final), links);
    }
}
