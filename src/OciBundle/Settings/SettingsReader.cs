using System.Runtime.InteropServices;
using OciBundle.Diagnostics;
using OciBundle.Platform;
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
        var formats = ReadFormats(reader);
        var isPlugin = SurfaceReads.PluginConfig(reader.Request) is not null
            || reader.Request.Get(SurfaceNames.PluginSocket) is not null
            || reader.Items(SurfaceNames.PluginInterface).Count > 0
            || (formats is { } f && f.HasFlag(BundleFormat.DockerPlugin));
        // In the order the reports have always come in.
        var publish = PublishOutput.Read(reader);
        var plugin = isPlugin ? ReadPlugin(reader) : null;
        var privileged = new Setting<bool>(SurfaceReads.Privileged(reader), Origin.Property(reader, SurfaceNames.Privileged));
        var baseImage = ReadingBaseImage.Read(reader, architecture.Value, architectureText);
        var resources = ResourcesSettings.Read(reader);
        var process = ProcessSettings.Read(reader, publish, baseImage.Image);
        var general = GeneralSettings.Read(reader);
        var isolation = IsolationSettings.Read(reader, privileged.Value);
        var kernel = KernelSettings.Read(reader);
        var output = BundleOptions.Read(reader, formats);
        var rootfs = RootfsPlanReader.Read(reader, publish);
        ContainerNames.Warn(reader);
        var image = output?.BundleFormat.HasFlag(BundleFormat.Image) == true ? ImageSettings.Read(reader) : null;
        NameCheck.Check(reader);
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
    /// The formats of OciBundleFormat, a ';'-list of Runc, DockerPlugin, Image (any case; Both is
    /// Runc;DockerPlugin); Runc when not set. Null when an entry is unknown or the list is empty
    /// (reported once per unknown entry). Others take <see cref="BundleSettings.Formats"/>.
    /// </summary>
    public static BundleFormat? ReadFormats(RequestReader reader)
    {
        var text = SurfaceReads.BundleFormat(reader);
        if (text is null)
        {
            return BundleFormat.Runc;
        }

        BundleFormat result = 0;
        var bad = false;
        foreach (var part in text.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            BundleFormat? one = part.ToLowerInvariant() switch
            {
                "runc" => BundleFormat.Runc,
                "dockerplugin" => BundleFormat.DockerPlugin,
                "both" => BundleFormat.Both,
                "image" => BundleFormat.Image,
                _ => null,
            };
            if (one is { } format)
            {
                result |= format;
                continue;
            }

            bad = true;
            reader.Diagnostics.Error(Messages.UnknownBundleFormat, reader.Locate(SurfaceNames.BundleFormat), part);
        }

        if (result == 0 && !bad)
        {
            bad = true; // ";" alone: a list that names nothing
            reader.Diagnostics.Error(Messages.UnknownBundleFormat, reader.Locate(SurfaceNames.BundleFormat), text);
        }

        return bad ? null : result;
    }

    /// <summary>
    /// The plugin group, for plugin projects only, so other projects never hear about these names.
    /// The checks of what Docker would refuse are the plugin rules' (OCIB40xx, over the spec);
    /// here only a path (OCIB4019, OCIB4020) and a NUL character (OCIB1019) are reported.
    /// </summary>
    private static PluginSettings ReadPlugin(RequestReader reader)
    {
        var runtimeSource = ReadPluginRuntimeSource(reader);
        var (propagatedMount, propagatedMountWritten) = ReadPropagatedMount(reader);
        return new PluginSettings(runtimeSource, propagatedMount)
        {
            ConfigLocation = reader.Locate(SurfaceNames.PluginConfig),
            PropagatedMountWritten = propagatedMountWritten,
            NetworkType = reader.String(PluginVocabulary.NetworkTypeProperty),
            Socket = new(SurfaceReads.PluginSocket(reader), Origin.Property(reader, SurfaceNames.PluginSocket)),
            ProtocolScheme = new(SurfaceReads.PluginProtocolScheme(reader), Origin.Property(reader, SurfaceNames.PluginProtocolScheme)),
            InterfaceTypes = reader.Items(SurfaceNames.PluginInterface).Select(i => new Setting<string>(i.ItemSpec, Origin.Item(SurfaceNames.PluginInterface, i))).ToList(),
            Args = ReadPluginArgs(reader),

            // Only the plugin config shows these. Its writer read them after the findings were
            // reported, so a NUL in them has never been reported: such a value is left out, as before.
            Description = Quiet(SurfaceReads.Description(reader.Request)),
            Documentation = Quiet(SurfaceReads.DocumentationUrl(reader.Request)),
            Env = reader.Items(SurfaceNames.EnvironmentVariable).Select(i => ReadPluginEntry(SurfaceNames.EnvironmentVariable, i, i.ItemSpec)).ToList(),
            Mounts = reader.Items(SurfaceNames.Mount).Select(i => ReadPluginEntry(SurfaceNames.Mount, i, i.ItemSpec.Trim())).ToList(),
            Devices = reader.Items(SurfaceNames.Device).Select(i => ReadPluginEntry(SurfaceNames.Device, i, i.ItemSpec.Trim())).ToList(),
        };
    }

    private static string? Quiet(string? value) => value is not null && !value.Contains('\0') ? value : null;

    private static ItemSetting<PluginEntry> ReadPluginEntry(string itemType, RequestItem item, string key) =>
        new(
            key,
            new PluginEntry(
                item.ItemSpec,
                item.IsDefault,
                item.Get("Name"),
                item.Get("Description"),
                PluginVocabulary.SplitSettable(item.Get("Settable")),
                item.Get("Source"),
                item.Get("Type"),
                item.Metadata.TryGetValue("Value", out var value) ? value : null,
                PluginVocabulary.HasNoDefault(item)),
            Origin.Item(itemType, item));

    private static string ReadPluginRuntimeSource(RequestReader reader)
    {
        var source = SurfaceReads.PluginRuntimeSource(reader);
        if (source is null)
        {
            return $"{PluginVocabulary.RuntimeDestination}/{SurfaceReads.BundleName(reader) ?? "plugin"}";
        }

        if (!source.StartsWith('/'))
        {
            reader.Diagnostics.Error(Messages.PluginRuntimeSourceNotAbsolute, reader.Locate(SurfaceNames.PluginRuntimeSource), source);
        }

        return source;
    }

    private static (Setting<string>? Path, bool Written) ReadPropagatedMount(RequestReader reader)
    {
        var path = SurfaceReads.PropagatedMount(reader);
        if (path is null)
        {
            return (null, false);
        }

        if (!path.StartsWith('/'))
        {
            reader.Diagnostics.Error(Messages.PropagatedMountNotAbsolute, reader.Locate(SurfaceNames.PropagatedMount), path);
            return (null, true);
        }

        var trimmed = path.TrimEnd('/');
        return (trimmed.Length > 0 ? new Setting<string>(trimmed, Origin.Property(reader, SurfaceNames.PropagatedMount)) : null, true);
    }

    /// <summary>
    /// The args setting (see <see cref="PluginArgs"/>): the first OciArgs item's Name, Description
    /// and Settable, else the plugin config file's; named by the item that carries its settable or
    /// name (else the first), located there, else where the file gave it. Null when there are
    /// neither values nor a setting.
    /// </summary>
    private static Setting<PluginArgsValue>? ReadPluginArgs(RequestReader reader)
    {
        var args = reader.Items(SurfaceNames.Args);
        string? First(string metadata) => args.Select(a => a.Get(metadata)).FirstOrDefault(v => v is not null);

        var name = First("Name") ?? reader.String(PluginArgs.NameProperty);
        var description = First("Description") ?? reader.String(PluginArgs.DescriptionProperty);
        var settable = First("Settable") ?? reader.String(PluginArgs.SettableProperty);
        if (args.Count == 0 && name is null && description is null && settable is null)
        {
            return null;
        }

        var carrier = args.FirstOrDefault(a => a.Get("Settable") is not null) ?? args.FirstOrDefault(a => a.Get("Name") is not null);
        var location = carrier?.Locate is { } itemLocation
            ? itemLocation()
            : reader.Locate(settable is not null ? PluginArgs.SettableProperty : PluginArgs.NameProperty) ?? args.FirstOrDefault()?.Location;
        var value = new PluginArgsValue(
            carrier?.ItemSpec ?? args.FirstOrDefault()?.ItemSpec ?? "",
            name,
            description,
            PluginVocabulary.SplitSettable(settable),
            args.Select(a => a.ItemSpec).ToList());
        return new(value, new Origin(SurfaceNames.Args, location));
    }

    /// <summary>
    /// OciTargetArchitecture, else the architecture of RuntimeIdentifier, else the build machine's.
    /// A bad value is reported (OCIB1040, OCIB1044) and the next source is used, so later stages
    /// still get an architecture.
    /// </summary>
    public static (Setting<TargetArchitecture> Architecture, string? Text) ReadArchitecture(RequestReader reader)
    {
        var text = SurfaceReads.TargetArchitecture(reader);
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
