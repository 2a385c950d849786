using OciBundle.Diagnostics;
using OciBundle.Spec;

namespace OciBundle.Building;

/// <summary>
/// OciNetworkMode, OciHostIpc and OciHostPid: drop the container's own namespace to share the
/// host's. Host networking also binds the host's /etc/hosts and /etc/resolv.conf read-only, as
/// Docker does, so names resolve the way they do on the host.
/// </summary>
public static class HostNamespacesStep
{
    public static readonly IReadOnlyList<string> HostNetworkFiles = ["/etc/hosts", "/etc/resolv.conf"];

    public static void Apply(SpecContext context, RuntimeSpec spec)
    {
        var reader = context.Reader;
        var mode = reader.String(SurfaceNames.NetworkMode)?.ToLowerInvariant() ?? "private";
        if (mode is not ("private" or "host"))
        {
            reader.Diagnostics.Error(Messages.UnknownNetworkMode, reader.Locate(SurfaceNames.NetworkMode), reader.String(SurfaceNames.NetworkMode));
        }
        else if (mode == "host")
        {
            Share(reader, spec, SurfaceNames.NetworkMode, "host", "network", "its interfaces and ports");
            BindHostNetworkFiles(spec);
        }

        if (reader.Bool(SurfaceNames.HostIpc, false))
        {
            Share(reader, spec, SurfaceNames.HostIpc, "true", "ipc", "its shared memory and message queues");
        }

        if (reader.Bool(SurfaceNames.HostPid, false))
        {
            Share(reader, spec, SurfaceNames.HostPid, "true", "pid", "so it sees and can signal every host process");
        }
    }

    /// <summary>
    /// Binds the host's /etc/hosts and /etc/resolv.conf read-only where the spec has no mount
    /// there yet: host networking does, and so does Docker's plugin runtime for any network type.
    /// </summary>
    public static void BindHostNetworkFiles(RuntimeSpec spec)
    {
        foreach (var file in HostNetworkFiles.Where(f => !spec.Mounts.Any(m => m.Destination == f)))
        {
            spec.Mounts.Add(new Mount { Destination = file, Type = "bind", Source = file, Options = ["rbind", "ro"] });
        }
    }

    private static void Share(RequestReader reader, RuntimeSpec spec, string property, string value, string type, string consequence)
    {
        spec.Linux.Namespaces.RemoveAll(n => n.Type == type);
        reader.Diagnostics.Warning(Messages.HostNamespaceShared, reader.Locate(property), property, value, type, consequence);
    }
}
