using OciBundle.Building;

namespace OciBundle.Plugins;

/// <summary>
/// Whether a project describes a Docker managed plugin: it imports a plugin config, asks for the
/// plugin format, or declares a plugin interface. Only then does the spec get the plugin's socket
/// folder and do the plugin checks run, so ordinary bundles are unchanged.
/// </summary>
public static class PluginMode
{
    public static bool IsPlugin(RequestReader reader) =>
        reader.Request.Get(SurfaceNames.PluginConfig) is not null
        || reader.Request.Get(SurfaceNames.PluginSocket) is not null
        || reader.Items(SurfaceNames.PluginInterface).Count > 0
        || (BundleFormats.Read(reader, report: false) is { } format && format.HasFlag(BundleFormat.DockerPlugin));
}
