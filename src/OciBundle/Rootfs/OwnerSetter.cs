using System.Runtime.InteropServices;
using OciBundle.Platform.Interop;

namespace OciBundle.Rootfs;

/// <summary>
/// Gives written entries their rootfs owner. Only root may do so; anyone else gets files owned by
/// themselves, which is what an unprivileged build can offer (the tarball formats keep owners).
/// </summary>
internal sealed class OwnerSetter
{
    private readonly bool _enabled = !OperatingSystem.IsWindows() && Environment.IsPrivilegedProcess;

    /// <summary>Sets the owner of <paramref name="path"/> itself (never a link's target) when it is not root's.</summary>
    public void Apply(string path, RootfsEntry item)
    {
        // Entries we create as root are already 0:0.
        if (!_enabled || (item.Uid == 0 && item.Gid == 0))
        {
            return;
        }

        if (LibC.LChown(path, (uint)item.Uid, (uint)item.Gid) != 0)
        {
            throw new IOException($"lchown({item.Uid}, {item.Gid}) failed with errno {Marshal.GetLastPInvokeError()}");
        }
    }
}
