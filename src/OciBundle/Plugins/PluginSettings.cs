using OciBundle.Diagnostics;
using OciBundle.Request;
using OciBundle.Settings;

namespace OciBundle.Plugins;

/// <summary>A plugin project's settings that the spec steps, the rootfs and the plugin config all use, read once.</summary>
/// <param name="RuntimeSource">OciPluginRuntimeSource, by default /run/docker/plugins/NAME (Docker uses the plugin's id).</param>
/// <param name="PropagatedMount">OciPropagatedMount without a trailing '/'; null when not set or invalid (OCIB4019).</param>
public sealed record PluginSettings(string RuntimeSource, Setting<string>? PropagatedMount)
{
    /// <summary>Read for plugin projects only, so other projects never hear about these names.</summary>
    public static PluginSettings Read(RequestReader reader) =>
        new(ReadRuntimeSource(reader), ReadPropagatedMount(reader)) { ConfigLocation = reader.Locate(SurfaceNames.PluginConfig) };

    /// <summary>Where OciPluginConfig was written, for what the plugin's rootfs lacks.</summary>
    public SourceLocation? ConfigLocation { get; init; }

    private static string ReadRuntimeSource(RequestReader reader)
    {
        var source = reader.String(SurfaceNames.PluginRuntimeSource);
        if (source is null)
        {
            return $"{PluginVocabulary.RuntimeDestination}/{reader.String(SurfaceNames.BundleName) ?? "plugin"}";
        }

        if (!source.StartsWith('/'))
        {
            reader.Diagnostics.Error(Messages.PluginRuntimeSourceNotAbsolute, reader.Locate(SurfaceNames.PluginRuntimeSource), source);
        }

        return source;
    }

    private static Setting<string>? ReadPropagatedMount(RequestReader reader)
    {
        var path = reader.String(SurfaceNames.PropagatedMount);
        if (path is null)
        {
            return null;
        }

        if (!path.StartsWith('/'))
        {
            reader.Diagnostics.Error(Messages.PropagatedMountNotAbsolute, reader.Locate(SurfaceNames.PropagatedMount), path);
            return null;
        }

        var trimmed = path.TrimEnd('/');
        return trimmed.Length > 0 ? new Setting<string>(trimmed, Origin.Property(reader, SurfaceNames.PropagatedMount)) : null;
    }
}
