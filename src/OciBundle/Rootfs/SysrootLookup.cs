using OciBundle.Diagnostics;
using OciBundle.Platform;

namespace OciBundle.Rootfs;

/// <summary>
/// Finds a path inside a sysroot (a host folder laid out like a root filesystem, "/" by default)
/// the way the container will: symbolic links are followed inside the sysroot, absolute targets
/// from its root. Each link met is returned so the rootfs can get the same link, which keeps
/// names such as /lib64/ld-linux-x86-64.so.2 and libfoo.so.1 working there.
/// </summary>
public sealed class SysrootLookup(string sysroot)
{
    public string Root { get; } = Path.GetFullPath(sysroot);

    /// <summary>One link on the way: its normalised rootfs path and its target as written.</summary>
    public sealed record Link(string Path, string Target);

    /// <summary>The regular file behind <paramref name="path"/> (its rootfs path and host path) and the links on the way; null when there is none.</summary>
    public (string RootfsPath, string HostPath, IReadOnlyList<Link> Links)? FindFile(string path)
    {
        var links = new List<Link>();
        var final = ContainedPath.Resolve(path, Node, (link, target) => links.Add(new Link(link, target)));
        if (final is null || !File.Exists(Path.Combine(Root, final)) || new FileInfo(Path.Combine(Root, final)).LinkTarget is not null)
        {
            return null;
        }

        // A fifo or device at a library's name would block or never end when it is read.
        if (InputFiles.WhyNotRegularFile(Path.Combine(Root, final)) is { } reason)
        {
            throw new OciBundleException(Diagnostic.Error(Messages.InputNotRegularFile, null, "OciSysroot " + Root, Path.Combine(Root, final), reason));
        }

        return (final, Path.Combine(Root, final), links);
    }

    private PathNode? Node(string path)
    {
        var host = Path.Combine(Root, path);
        var info = new FileInfo(host);
        if (info.LinkTarget is { } target)
        {
            return new PathNode(false, target);
        }

        return Directory.Exists(host) ? new PathNode(true, null) : File.Exists(host) ? new PathNode(false, null) : null;
    }
}
