using System.Text.RegularExpressions;
using OciBundle.Diagnostics;
using OciBundle.Request;
using OciBundle.Settings;
using OciBundle.Spec;

namespace OciBundle.Plugins;

/// <summary>
/// Checks of a plugin's metadata (OCIB40xx) that Docker makes only when a user installs or enables
/// the plugin: the interface, mount sources, what `docker plugin set` can change, and the names it
/// finds settings by. Pure checks of the plugin settings (read from the merged plugin config and
/// project) and the spec, for plugin projects.
/// </summary>
public static partial class PluginRules
{
    public static void Check(RuntimeSpec spec, BundleSettings bundle, DiagnosticBag diagnostics)
    {
        if (bundle.Plugin is not { } plugin)
        {
            return;
        }

        CheckInterface(plugin, diagnostics);
        CheckMountSources(plugin, diagnostics);
        var settings = Settings(plugin).ToList();
        CheckSettable(settings, diagnostics);
        CheckNames(settings, diagnostics);
        if (bundle.Formats.Value is { } format && format.HasFlag(BundleFormat.DockerPlugin))
        {
            CheckDefaultCapabilities(spec, diagnostics);
        }
    }

    private static void CheckInterface(PluginSettings plugin, DiagnosticBag diagnostics)
    {
        var types = plugin.InterfaceTypes;
        var capabilities = string.Join(", ", PluginVocabulary.InterfaceCapabilities.Select(c => $"docker.{c}/1.0"));
        foreach (var type in types.Where(t => !IsValidInterfaceType(t.Value)))
        {
            diagnostics.Error(Messages.PluginInterfaceTypeInvalid, type.Origin.Location, type.Value, capabilities);
        }

        var socket = plugin.Socket.Value;
        if (socket is not null && socket.Contains('/'))
        {
            diagnostics.Error(Messages.PluginSocketHasSlash, plugin.Socket.Origin.Location, socket);
        }

        var scheme = plugin.ProtocolScheme.Value;
        if (scheme is not null && scheme != PluginVocabulary.ProtocolSchemeHttpV1)
        {
            diagnostics.Error(Messages.PluginProtocolSchemeUnknown, plugin.ProtocolScheme.Origin.Location, scheme);
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
            diagnostics.Error(Messages.PluginInterfaceMissing, plugin.Socket.Origin.Location, missing);
        }

        var volumeDriver = types.FirstOrDefault(t => t.Value.StartsWith("docker.volumedriver/", StringComparison.Ordinal));
        if (volumeDriver is not null && !plugin.PropagatedMountWritten)
        {
            diagnostics.Warning(Messages.VolumeDriverWithoutPropagatedMount, volumeDriver.Origin.Location, volumeDriver.Value);
        }
    }

    /// <summary>docker.CAPABILITY/VERSION, as Docker's PluginInterfaceType reads it, with a capability it dispatches on.</summary>
    public static bool IsValidInterfaceType(string text) =>
        InterfaceType().Match(text) is { Success: true } match && PluginVocabulary.InterfaceCapabilities.Contains(match.Groups[1].Value);

    /// <summary>Docker refuses a mount whose source is missing; one users are meant to set is only a warning.</summary>
    private static void CheckMountSources(PluginSettings plugin, DiagnosticBag diagnostics)
    {
        foreach (var mount in Effective(plugin.Mounts))
        {
            var item = mount.Value!;
            if (item.Source is not null)
            {
                continue;
            }

            if (item.Settable.Contains("source"))
            {
                diagnostics.Warning(Messages.PluginMountSourceToBeSet, mount.Origin.Location, item.ItemSpec, item.Name ?? "NAME");
            }
            else
            {
                diagnostics.Error(Messages.PluginMountSourceMissing, mount.Origin.Location, item.ItemSpec);
            }
        }
    }

    private static void CheckSettable(List<Setting> settings, DiagnosticBag diagnostics)
    {
        foreach (var setting in settings)
        {
            var allowed = PluginVocabulary.AllowedSettable[setting.Kind];
            foreach (var field in setting.Settable.Where(f => f != allowed).Distinct())
            {
                diagnostics.Error(Messages.PluginSettableFieldNotAllowed, setting.Location, setting.ItemType, setting.Key, field, allowed, setting.Kind);
            }
        }
    }

    /// <summary>`docker plugin set NAME=…` and `NAME.FIELD=…` find a setting by name across env, mounts, devices and args.</summary>
    private static void CheckNames(List<Setting> settings, DiagnosticBag diagnostics)
    {
        var owners = new Dictionary<string, Setting>(StringComparer.Ordinal);
        foreach (var setting in settings.Where(s => s.Name is not null))
        {
            var name = setting.Name!;
            if (name.Contains('.'))
            {
                diagnostics.Error(Messages.PluginNameWithDot, setting.Location, name, setting.Describe());
                continue;
            }

            if (owners.TryGetValue(name, out var first))
            {
                diagnostics.Error(Messages.PluginNameClash, setting.Location, name, first.Describe(), setting.Describe());
                continue;
            }

            owners[name] = setting;
        }
    }

    private static void CheckDefaultCapabilities(RuntimeSpec spec, DiagnosticBag diagnostics)
    {
        var granted = spec.Process.Capabilities?.Bounding ?? [];
        var dropped = PluginVocabulary.DockerDefaultCapabilities.Where(c => !granted.Contains(c)).ToList();
        if (dropped.Count > 0)
        {
            diagnostics.Warning(Messages.PluginDefaultCapabilityRemoved, null, string.Join(", ", dropped));
        }
    }

    /// <summary>One entry of the plugin's env, mounts, devices or args, as `docker plugin set` sees it.</summary>
    private sealed record Setting(string Kind, string ItemType, string Key, string? Name, IReadOnlyList<string> Settable, SourceLocation? Location)
    {
        public string Describe() => Kind == "args" ? "the args" : $"{ItemType} '{Key}'";
    }

    /// <summary>The settings that end up in the plugin: the last item for each variable, destination or device path.</summary>
    private static IEnumerable<Setting> Settings(PluginSettings plugin)
    {
        foreach (var variable in Effective(plugin.Env))
        {
            yield return Entry("env", variable, variable.Value!.ItemSpec);
        }

        foreach (var mount in Effective(plugin.Mounts).Where(i => !i.Value!.IsDefault))
        {
            yield return Entry("mount", mount, mount.Value!.Name);
        }

        foreach (var device in Effective(plugin.Devices).Where(i => !i.Value!.IsDefault))
        {
            yield return Entry("device", device, device.Value!.Name);
        }

        // The args are one setting, even with no values (see PluginArgs).
        if (plugin.Args is { } args)
        {
            yield return new Setting("args", args.Origin.Name, args.Value.ItemSpec, args.Value.Name, args.Value.Settable, args.Origin.Location);
        }
    }

    private static Setting Entry(string kind, ItemSetting<PluginEntry> entry, string? name) =>
        new(kind, entry.Origin.Name, entry.Key, name, entry.Value!.Settable, entry.Origin.Location);

    /// <summary>The last item for each key, in the order the keys first appeared.</summary>
    private static IEnumerable<ItemSetting<PluginEntry>> Effective(IReadOnlyList<ItemSetting<PluginEntry>> items) =>
        items.GroupBy(i => i.Key, StringComparer.Ordinal).Select(g => g.Last());

    [GeneratedRegex(@"^docker\.([a-z]+)/[0-9]+(\.[0-9]+)*$")]
    private static partial Regex InterfaceType();
}
