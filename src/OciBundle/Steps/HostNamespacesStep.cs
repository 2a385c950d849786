using OciBundle.Diagnostics;
using OciBundle.Settings;
using OciBundle.Spec;

namespace OciBundle.Steps;

/// <summary>
/// OciNetworkMode, OciHostIpc and OciHostPid (read into <see cref="IsolationSettings"/>): drop the container's own namespace to share the
/// host's. Host networking also binds the host's /etc/hosts and /etc/resolv.conf read-only, as
/// Docker does, so names resolve the way they do on the host.
/// </summary>
public static class HostNamespacesStep
{
    public static readonly IReadOnlyList<string> HostNetworkFiles = ["/etc/hosts", "/etc/resolv.conf"];

    public static void Apply(SpecContext context, RuntimeSpec spec)
    {
        var isolation = context.Settings.Isolation;
        if (isolation.HostNetwork.Value)
        {
            Share(context, spec, isolation.HostNetwork.Origin, "host", "network", "its interfaces and ports");
            BindHostNetworkFiles(spec);
        }

        if (isolation.HostIpc.Value)
        {
            Share(context, spec, isolation.HostIpc.Origin, "true", "ipc", "its shared memory and message queues");
        }

        if (isolation.HostPid.Value)
        {
            Share(context, spec, isolation.HostPid.Origin, "true", "pid", "so it sees and can signal every host process");
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

    /// <summary>Drops the container's own namespace and says what sharing the host's means (a warning about the spec, as OciPrivileged's).</summary>
    private static void Share(SpecContext context, RuntimeSpec spec, Origin origin, string value, string type, string consequence)
    {
        spec.Linux.Namespaces.RemoveAll(n => n.Type == type);
        context.Diagnostics.Warning(Messages.HostNamespaceShared, origin.Location, origin.Name, value, type, consequence);
    }
}
