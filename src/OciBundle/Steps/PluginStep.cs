using OciBundle.Request;
using OciBundle.Settings;
using OciBundle.Spec;

namespace OciBundle.Steps;

/// <summary>
/// What Docker's plugin runtime adds to a plugin's spec (moby's plugin/v2 InitSpec), for plugin
/// projects only: no terminal, a writable root, the runtime socket folder bound at
/// /run/docker/plugins (rbind,rshared), /etc/hosts and /etc/resolv.conf bound read-only for any
/// network type, and the propagated mount. Runs after the mount, namespace and propagation steps
/// it overrides.
/// </summary>
public static class PluginStep
{
    public static void Apply(SpecContext context, RuntimeSpec spec)
    {
        if (context.Settings.Plugin is not { } plugin)
        {
            return;
        }

        spec.Process.Terminal = false;
        spec.Root.Readonly = false;
        spec.Mounts.ReplaceOrAdd(m => m.Destination == PluginVocabulary.RuntimeDestination, new Mount
        {
            Destination = PluginVocabulary.RuntimeDestination,
            Type = "bind",
            Source = plugin.RuntimeSource,
            Options = ["rbind", "rshared"],
        });

        // host was read as OciNetworkMode, whose step already bound the files; other types bind them too.
        if (plugin.NetworkType is not null && !context.Settings.Isolation.HostNetwork.Value)
        {
            HostNamespacesStep.BindHostNetworkFiles(spec);
        }

        if (plugin.PropagatedMount?.Value is { } propagated)
        {
            // Docker binds a host folder over rootfs/<propagatedMount> and makes it rshared; a
            // runc bundle binds the rootfs's own folder (a source relative to the bundle), so
            // volumes the plugin mounts there show on the host under the bundle's rootfs/.
            spec.Mounts.ReplaceOrAdd(m => m.Destination == propagated, new Mount
            {
                Destination = propagated,
                Type = "bind",
                Source = spec.Root.Path + propagated,
                Options = ["rbind", "rshared"],
            });

            // Docker writes rshared, which runc takes but the runtime-spec schema refuses.
            spec.Linux.RootfsPropagation = "shared";
        }
    }
}
