using System.Text.RegularExpressions;
using OciBundle.Diagnostics;
using OciBundle.Request;
using OciBundle.Settings;
using OciBundle.Spec;

namespace OciBundle.Plugins;

/// <summary>
/// Checks of a plugin's metadata (OCIB40xx) that Docker makes only when a user installs or enables
/// the plugin: the interface, mount sources, what `docker plugin set` can change, and the names it
/// finds settings by. Run over the merged request (plugin config and project) of plugin projects.
/// </summary>
public static partial class PluginRules
{
    public static void Check(RuntimeSpec spec, RequestReader reader, BundleSettings bundle)
    {
        if (!bundle.IsPlugin)
        {
            return;
        }

        CheckInterface(reader);
        CheckMountSources(reader);
        var settings = Settings(reader).ToList();
        CheckSettable(reader, settings);
        CheckNames(reader, settings);
        if (bundle.Formats.Value is { } format && format.HasFlag(BundleFormat.DockerPlugin))
        {
            CheckDefaultCapabilities(spec, reader);
        }
    }

    private static void CheckInterface(RequestReader reader)
    {
        var types = reader.Items(SurfaceNames.PluginInterface);
        var capabilities = string.Join(", ", PluginVocabulary.InterfaceCapabilities.Select(c => $"docker.{c}/1.0"));
        foreach (var item in types.Where(i => !IsValidInterfaceType(i.ItemSpec)))
        {
            reader.Diagnostics.Error(Messages.PluginInterfaceTypeInvalid, item.Location, item.ItemSpec, capabilities);
        }

        var socket = reader.String(SurfaceNames.PluginSocket);
        if (socket is not null && socket.Contains('/'))
        {
            reader.Diagnostics.Error(Messages.PluginSocketHasSlash, reader.Locate(SurfaceNames.PluginSocket), socket);
        }

        var scheme = reader.String(SurfaceNames.PluginProtocolScheme);
        if (scheme is not null && scheme != PluginVocabulary.ProtocolSchemeHttpV1)
        {
            reader.Diagnostics.Error(Messages.PluginProtocolSchemeUnknown, reader.Locate(SurfaceNames.PluginProtocolScheme), scheme);
        }

        var missing = (socket is null, types.Count == 0) switch
        {
            (true, true) => "interface socket and no interface types",
            (true, false) => "interface socket",
            (false, true) => "interface types",
            _ => null,
        };
        if (missing is not null)
        {
            reader.Diagnostics.Error(Messages.PluginInterfaceMissing, reader.Locate(SurfaceNames.PluginSocket), missing);
        }

        var volumeDriver = types.FirstOrDefault(t => t.ItemSpec.StartsWith("docker.volumedriver/", StringComparison.Ordinal));
        if (volumeDriver is not null && reader.String(SurfaceNames.PropagatedMount) is null)
        {
            reader.Diagnostics.Warning(Messages.VolumeDriverWithoutPropagatedMount, volumeDriver.Location, volumeDriver.ItemSpec);
        }
    }

    /// <summary>docker.CAPABILITY/VERSION, as Docker's PluginInterfaceType reads it, with a capability it dispatches on.</summary>
    public static bool IsValidInterfaceType(string text) =>
        InterfaceType().Match(text) is { Success: true } match && PluginVocabulary.InterfaceCapabilities.Contains(match.Groups[1].Value);

    /// <summary>Docker refuses a mount whose source is missing; one users are meant to set is only a warning.</summary>
    private static void CheckMountSources(RequestReader reader)
    {
        foreach (var item in Effective(reader.Items(SurfaceNames.Mount), i => i.ItemSpec.Trim()))
        {
            if (item.Get("Source") is not null)
            {
                continue;
            }

            if (PluginVocabulary.SplitSettable(item.Get("Settable")).Contains("source"))
            {
                reader.Diagnostics.Warning(Messages.PluginMountSourceToBeSet, item.Location, item.ItemSpec, item.Get("Name") ?? "NAME");
            }
            else
            {
                reader.Diagnostics.Error(Messages.PluginMountSourceMissing, item.Location, item.ItemSpec);
            }
        }
    }

    private static void CheckSettable(RequestReader reader, List<Setting> settings)
    {
        foreach (var setting in settings)
        {
            var allowed = PluginVocabulary.AllowedSettable[setting.Kind];
            foreach (var field in PluginVocabulary.SplitSettable(setting.Item.Get("Settable")).Where(f => f != allowed).Distinct())
            {
                reader.Diagnostics.Error(Messages.PluginSettableFieldNotAllowed, setting.Item.Location, setting.ItemType, setting.Key, field, allowed, setting.Kind);
            }
        }
    }

    /// <summary>`docker plugin set NAME=…` and `NAME.FIELD=…` find a setting by name across env, mounts, devices and args.</summary>
    private static void CheckNames(RequestReader reader, List<Setting> settings)
    {
        var owners = new Dictionary<string, Setting>(StringComparer.Ordinal);
        foreach (var setting in settings.Where(s => s.Name is not null))
        {
            var name = setting.Name!;
            if (name.Contains('.'))
            {
                reader.Diagnostics.Error(Messages.PluginNameWithDot, setting.Item.Location, name, setting.Describe());
                continue;
            }

            if (owners.TryGetValue(name, out var first))
            {
                reader.Diagnostics.Error(Messages.PluginNameClash, setting.Item.Location, name, first.Describe(), setting.Describe());
                continue;
            }

            owners[name] = setting;
        }
    }

    private static void CheckDefaultCapabilities(RuntimeSpec spec, RequestReader reader)
    {
        var granted = spec.Process.Capabilities?.Bounding ?? [];
        var dropped = PluginVocabulary.DockerDefaultCapabilities.Where(c => !granted.Contains(c)).ToList();
        if (dropped.Count > 0)
        {
            reader.Diagnostics.Warning(Messages.PluginDefaultCapabilityRemoved, null, string.Join(", ", dropped));
        }
    }

    /// <summary>One entry of the plugin's env, mounts, devices or args, as `docker plugin set` sees it.</summary>
    private sealed record Setting(string Kind, string ItemType, string Key, string? Name, RequestItem Item)
    {
        public string Describe() => Kind == "args" ? "the args" : $"{ItemType} '{Key}'";
    }

    /// <summary>The settings that end up in the plugin: the last item for each variable, destination or device path.</summary>
    private static IEnumerable<Setting> Settings(RequestReader reader)
    {
        foreach (var item in Effective(reader.Items(SurfaceNames.EnvironmentVariable), i => i.ItemSpec))
        {
            yield return new Setting("env", SurfaceNames.EnvironmentVariable, item.ItemSpec, item.ItemSpec, item);
        }

        foreach (var item in Effective(reader.Items(SurfaceNames.Mount), i => i.ItemSpec.Trim()).Where(i => !i.IsDefault))
        {
            yield return new Setting("mount", SurfaceNames.Mount, item.ItemSpec.Trim(), item.Get("Name"), item);
        }

        foreach (var item in Effective(reader.Items(SurfaceNames.Device), i => i.ItemSpec.Trim()).Where(i => !i.IsDefault))
        {
            yield return new Setting("device", SurfaceNames.Device, item.ItemSpec.Trim(), item.Get("Name"), item);
        }

        // The args are one setting, even with no values (see PluginArgs).
        if (PluginArgs.Setting(reader) is { } args)
        {
            yield return new Setting("args", SurfaceNames.Args, args.ItemSpec, args.Get("Name"), args);
        }
    }

    private static IEnumerable<RequestItem> Effective(IReadOnlyList<RequestItem> items, Func<RequestItem, string> key) =>
        items.GroupBy(key, StringComparer.Ordinal).Select(g => g.Last());

    [GeneratedRegex(@"^docker\.([a-z]+)/[0-9]+(\.[0-9]+)*$")]
    private static partial Regex InterfaceType();
}
