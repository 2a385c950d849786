using OciBundle.Building;

namespace OciBundle.Tests.Building;

/// <summary>A request with the SDK's default items, as a project that sets nothing gets them.</summary>
internal static class RequestBuilder
{
    public static BundleRequest Defaults()
    {
        var request = new BundleRequest()
            .With(SurfaceNames.BundleName, "app")
            .With(SurfaceNames.BundleOutputPath, "/tmp/unused");
        foreach (var cap in DefaultCapabilities)
        {
            request.WithDefaultItem(SurfaceNames.Capability, cap);
        }

        foreach (var ns in new[] { "pid", "network", "ipc", "uts", "mount" })
        {
            request.WithDefaultItem(SurfaceNames.Namespace, ns);
        }

        request.WithDefaultItem(SurfaceNames.Mount, "/proc", ("Type", "proc"), ("Source", "proc"));
        request.WithDefaultItem(SurfaceNames.Mount, "/dev", ("Type", "tmpfs"), ("Source", "tmpfs"), ("Options", "nosuid,strictatime,mode=755,size=65536k"));
        request.WithDefaultItem(SurfaceNames.Mount, "/sys", ("Type", "sysfs"), ("Source", "sysfs"), ("Options", "nosuid,noexec,nodev,ro"));
        request.WithDefaultItem(SurfaceNames.Rlimit, "RLIMIT_NOFILE", ("Soft", "1024"), ("Hard", "1024"));
        request.WithItem(SurfaceNames.Entrypoint, "/bin/sh");
        return request;
    }

    public static readonly string[] DefaultCapabilities =
    [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID",
        "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
    ];
}
