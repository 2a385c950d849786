using System.Runtime.InteropServices;
using OciBundle.Diagnostics;
using OciBundle.Platform;
using OciBundle.Plugins;
using OciBundle.Request;
using OciBundle.Rootfs;

namespace OciBundle.Settings;

/// <summary>
/// The settings stage: runs once per build, after the plugin config is merged and before any spec
/// step, and turns the request into <see cref="BundleSettings"/>. It owns the OCIB1xxx reports of
/// the settings it reads, so each bad value is reported once however many stages use it.
/// </summary>
public static class SettingsReader
{
    public static BundleSettings Read(RequestReader reader)
    {
        var (architecture, architectureText) = ReadArchitecture(reader);
        var formats = BundleFormats.Read(reader);
        var isPlugin = reader.Request.Get(SurfaceNames.PluginConfig) is not null
            || reader.Request.Get(SurfaceNames.PluginSocket) is not null
            || reader.Items(SurfaceNames.PluginInterface).Count > 0
            || (formats is { } f && f.HasFlag(BundleFormat.DockerPlugin));
        // In the order the reports have always come in.
        var publish = PublishOutput.Read(reader);
        var plugin = isPlugin ? PluginSettings.Read(reader) : null;
        var privileged = new Setting<bool>(reader.Bool(SurfaceNames.Privileged, false), Origin.Property(reader, SurfaceNames.Privileged));
        var baseImage = ReadingBaseImage.Read(reader, architecture.Value, architectureText);
        var resources = ResourcesSettings.Read(reader);
        var process = ProcessSettings.Read(reader, publish, baseImage.Image);
        var general = GeneralSettings.Read(reader);
        var isolation = IsolationSettings.Read(reader, privileged.Value);
        var kernel = KernelSettings.Read(reader);
        var output = BundleOptions.Read(reader, formats);
        var rootfs = RootfsPlan.Read(reader, publish);
        ContainerNames.Warn(reader);
        var image = output?.BundleFormat.HasFlag(BundleFormat.Image) == true ? ImageSettings.Read(reader) : null;
        return new BundleSettings
        {
            Architecture = architecture,
            ArchitectureText = architectureText,
            Publish = publish,
            Formats = new Setting<BundleFormat?>(formats, Origin.Property(reader, SurfaceNames.BundleFormat)),
            IsPlugin = isPlugin,
            Plugin = plugin,
            Privileged = privileged,
            BaseImage = baseImage,
            Resources = resources,
            Process = process,
            General = general,
            Isolation = isolation,
            Kernel = kernel,
            Output = output,
            Rootfs = rootfs,
            Image = image,
        };
    }

    /// <summary>
    /// OciTargetArchitecture, else the architecture of RuntimeIdentifier, else the build machine's.
    /// A bad value is reported (OCIB1040, OCIB1044) and the next source is used, so later stages
    /// still get an architecture.
    /// </summary>
    public static (Setting<TargetArchitecture> Architecture, string? Text) ReadArchitecture(RequestReader reader)
    {
        var text = reader.String(SurfaceNames.TargetArchitecture);
        if (text is not null)
        {
            if (TargetArchitecture.TryParse(text, out var given))
            {
                return (new(given, Origin.Property(reader, SurfaceNames.TargetArchitecture)), text);
            }

            reader.Diagnostics.Error(Messages.UnknownTargetArchitecture, reader.Locate(SurfaceNames.TargetArchitecture), text, TargetArchitecture.AcceptedNames);
        }

        // Read only when OciTargetArchitecture does not settle it, as its value is not needed then.
        var runtimeIdentifier = reader.String(TargetArchitecture.RuntimeIdentifierProperty);
        var written = text ?? runtimeIdentifier;
        if (runtimeIdentifier is not null)
        {
            if (TargetArchitecture.TryFromRuntimeIdentifier(runtimeIdentifier, out var fromRid))
            {
                return (new(fromRid, Origin.Property(reader, TargetArchitecture.RuntimeIdentifierProperty)), written);
            }

            // Only when OciTargetArchitecture does not settle it: a RID we cannot read would
            // otherwise give a seccomp filter for the wrong machine without a word.
            if (text is null)
            {
                reader.Diagnostics.Error(Messages.UnknownRuntimeIdentifierArchitecture, reader.Locate(TargetArchitecture.RuntimeIdentifierProperty), runtimeIdentifier, TargetArchitecture.AcceptedNames);
            }
        }

        return (new(TargetArchitecture.FromHost(RuntimeInformation.OSArchitecture), new Origin("build machine", null)), written);
    }
}
