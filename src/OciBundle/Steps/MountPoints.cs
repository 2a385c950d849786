using OciBundle.Rootfs;
using OciBundle.Spec;

namespace OciBundle.Steps;

/// <summary>
/// Adds the folders the spec's filesystem mounts land on (/proc, /dev, /sys, …). runc can create
/// them only when the container's root owns the rootfs: with a user namespace or a read-only
/// rootfs it fails ("mkdir …/rootfs/proc: permission denied"), so the rootfs carries them.
/// </summary>
public static class MountPoints
{
    public static void AddTo(RootfsTree tree, RuntimeSpec spec)
    {
        var destinations = spec.Mounts.Select(m => (Mount: m, Path: Normalize(m.Destination))).Where(m => m.Path is not null).ToList();
        foreach (var (mount, path) in destinations)
        {
            // A bind mount's destination may be a file (/etc/hosts); inside another mount the
            // folder comes from that file system (/dev/pts in the /dev tmpfs).
            var isBind = mount.Type == "bind" || (mount.Options?.Any(o => o is "bind" or "rbind") ?? false);
            var inside = destinations.Any(other => other.Path != path && RootfsPath.IsAtOrBelow(path!, other.Path!));
            if (!isBind && !inside)
            {
                tree.EnsureDirectory(path!, $"mount point {mount.Destination}");
            }
            else if (isBind && HostNamespacesStep.HostNetworkFiles.Contains(mount.Destination) && !tree.Contains(path!))
            {
                // Host networking binds the host's /etc/hosts and /etc/resolv.conf over files that
                // must exist, also when the rootfs is read-only and runc could not create them.
                tree.Add(new RootfsEntry { Path = path!, Type = RootfsEntryType.RegularFile, Mode = 0b110_100_100, Origin = $"mount point {mount.Destination}" });
            }
        }
    }

    private static string? Normalize(string destination) =>
        RootfsPath.TryNormalize(destination, out var normalized, out _) && normalized.Length > 0 ? normalized : null;
}
