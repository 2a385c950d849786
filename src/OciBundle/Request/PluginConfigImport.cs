using System.Text.Json;
using OciBundle.Diagnostics;

namespace OciBundle.Request;

/// <summary>
/// OciPluginConfig: turns a Docker plugin config.json into request properties and items, which
/// the request places before the project's own (its Import, in Building), so the steps
/// build the spec the way Docker's plugin runtime does and the project adds to or replaces what
/// the file says. A property the project sets wins; the project's OciEntrypoint or OciArgs items
/// replace the file's list; its other items come after the file's (a mount at the same
/// destination, a device at the same path or a variable of the same name replaces the file's).
/// Every imported value points back at its line in the file.
/// </summary>
public static class PluginConfigImport
{
    /// <summary>The item types whose list a project's own items replace rather than extend.</summary>
    private static readonly IReadOnlySet<string> ReplacedLists =
        new HashSet<string>([SurfaceNames.Entrypoint, SurfaceNames.Args], StringComparer.Ordinal);

    /// <summary>The file's values; null when it cannot be read (reported).</summary>
    /// <param name="value">OciPluginConfig as written.</param>
    /// <param name="location">Where OciPluginConfig was written.</param>
    public static ImportedValues? Read(string value, string projectDirectory, SourceLocation? location, DiagnosticBag diagnostics)
    {
        var filePath = Path.GetFullPath(value, projectDirectory);
        var file = PluginConfigFile.Load(value, filePath, location, diagnostics);
        if (file is null)
        {
            return null;
        }

        var imported = new Importer(file, diagnostics);
        imported.Read();
        return imported.Values();
    }

    private sealed class Importer(PluginConfigFile file, DiagnosticBag diagnostics)
    {
        private readonly Dictionary<string, (string Value, JsonPath Path)> _properties = new(StringComparer.OrdinalIgnoreCase);
        private readonly Dictionary<string, List<RequestItem>> _items = new(StringComparer.OrdinalIgnoreCase);

        public void Read()
        {
            var root = file.Root;
            var at = JsonPath.Root;
            Property(SurfaceNames.Description, root, at, "Description");
            Property(SurfaceNames.DocumentationUrl, root, at, "Documentation");
            Property(SurfaceNames.WorkingDirectory, root, at, "WorkDir");
            Property(SurfaceNames.PropagatedMount, root, at, "PropagatedMount");
            Flag(SurfaceNames.HostIpc, root, at, "IpcHost");
            Flag(SurfaceNames.HostPid, root, at, "PidHost");
            foreach (var (entry, path) in file.Strings(root, at, "Entrypoint"))
            {
                Add(SurfaceNames.Entrypoint, entry, path);
            }

            ReadInterface(root, at);
            ReadNetwork(root, at);
            ReadEnvironment(root, at);
            ReadArgs(root, at);
            ReadMounts(root, at);
            ReadLinux(root, at);
            ReadUser(root, at);
        }

        public ImportedValues Values() => new(
            _properties.ToDictionary(p => p.Key, p => new ImportedProperty(p.Value.Value, file.Locator(p.Value.Path)), StringComparer.OrdinalIgnoreCase),
            _items,
            ReplacedLists);

        private void ReadInterface(JsonElement root, JsonPath at)
        {
            if (file.Object(root, at, "Interface") is not { } member)
            {
                return;
            }

            var (obj, path) = member;

            Property(SurfaceNames.PluginSocket, obj, path, "Socket");
            Property(SurfaceNames.PluginProtocolScheme, obj, path, "ProtocolScheme");
            foreach (var (type, typePath) in file.Strings(obj, path, "Types"))
            {
                Add(SurfaceNames.PluginInterface, type, typePath);
            }
        }

        /// <summary>host shares the host's network namespace; any other type keeps it but binds /etc/hosts and /etc/resolv.conf, as Docker does.</summary>
        private void ReadNetwork(JsonElement root, JsonPath at)
        {
            if (file.Object(root, at, "Network") is not { } member)
            {
                return;
            }

            var (obj, path) = member;
            if (file.String(obj, path, "Type", out var typePath) is not { Length: > 0 } type)
            {
                return;
            }

            if (type == "host")
            {
                _properties[SurfaceNames.NetworkMode] = ("host", typePath);
            }
            else
            {
                _properties[PluginVocabulary.NetworkTypeProperty] = (type, typePath);
            }
        }

        private void ReadEnvironment(JsonElement root, JsonPath at)
        {
            foreach (var (entry, path) in file.Objects(root, at, "Env"))
            {
                var name = file.String(entry, path, "Name") ?? "";
                if (name.Length == 0 || name.Contains('=') || name.Any(char.IsWhiteSpace))
                {
                    diagnostics.Error(Messages.PluginEnvNameNotSettable, file.Locate(path), name);
                    continue;
                }

                // Docker leaves a variable without a value out of the environment. A settable one is
                // still a setting (`docker plugin set P NAME=…`): keep it, without Value, which means
                // "no default" (PluginVocabulary.HasNoDefault). One nobody can set is of no use: drop it.
                var setting = Setting(entry, path);
                if (file.String(entry, path, "Value") is not { } value)
                {
                    if (setting.Any(m => m is ("Settable", var fields) && PluginVocabulary.SplitSettable(fields).Contains("value")))
                    {
                        Add(SurfaceNames.EnvironmentVariable, name, path, setting);
                    }

                    continue;
                }

                Add(SurfaceNames.EnvironmentVariable, name, path, [("Value", value), .. setting]);
            }
        }

        /// <summary>
        /// args.value become OciArgs items; the setting's name, description and settable become
        /// internal properties (PluginArgs), so they are kept when the list is empty.
        /// </summary>
        private void ReadArgs(JsonElement root, JsonPath at)
        {
            if (file.Object(root, at, "Args") is not { } member)
            {
                return;
            }

            var (obj, path) = member;

            Property(PluginArgs.NameProperty, obj, path, "Name");
            Property(PluginArgs.DescriptionProperty, obj, path, "Description");
            var settable = file.Strings(obj, path, "Settable").ToList();
            if (settable.Count > 0)
            {
                _properties[PluginArgs.SettableProperty] = (string.Join(',', settable.Select(s => s.Value)), settable[0].Path);
            }

            foreach (var (arg, argPath) in file.Strings(obj, path, "Value"))
            {
                Add(SurfaceNames.Args, arg, argPath);
            }
        }

        private void ReadMounts(JsonElement root, JsonPath at)
        {
            foreach (var (mount, path) in file.Objects(root, at, "Mounts"))
            {
                var destination = file.String(mount, path, "Destination") ?? "";
                var type = file.String(mount, path, "Type");
                var options = file.Strings(mount, path, "Options").Select(o => o.Value).ToList();
                if (type == "bind" && !options.Contains("bind") && !options.Contains("rbind"))
                {
                    diagnostics.Error(Messages.PluginBindWithoutBindOption, file.Locate(path), destination, options.Count > 0 ? string.Join(", ", options) : "none");
                }

                var metadata = new List<(string, string)>();
                Optional(metadata, "Source", file.String(mount, path, "Source"));
                Optional(metadata, "Type", type);
                Optional(metadata, "Options", string.Join(',', options));
                Optional(metadata, "Name", file.String(mount, path, "Name"));
                Add(SurfaceNames.Mount, destination, path, [.. metadata, .. Setting(mount, path)]);
            }
        }

        private void ReadLinux(JsonElement root, JsonPath at)
        {
            if (file.Object(root, at, "Linux") is not { } member)
            {
                return;
            }

            var (obj, path) = member;

            foreach (var (capability, capabilityPath) in file.Strings(obj, path, "Capabilities"))
            {
                Add(SurfaceNames.Capability, capability, capabilityPath);
            }

            Flag(SurfaceNames.AllowAllDevices, obj, path, "AllowAllDevices");
            foreach (var (device, devicePath) in file.Objects(obj, path, "Devices"))
            {
                var name = file.String(device, devicePath, "Name");
                var hostPath = file.String(device, devicePath, "Path") ?? "";
                if (!hostPath.StartsWith("/dev/", StringComparison.Ordinal))
                {
                    diagnostics.Error(Messages.PluginDevicePathNotUnderDev, file.Locate(devicePath), name ?? hostPath, hostPath);
                    continue;
                }

                var metadata = new List<(string, string)>();
                Optional(metadata, "Name", name);
                Add(SurfaceNames.Device, hostPath, devicePath, [.. metadata, .. Setting(device, devicePath)]);
            }
        }

        /// <summary>Docker reads user but never uses it: plugins run as root. Say so rather than map it to OciUser.</summary>
        private void ReadUser(JsonElement root, JsonPath at)
        {
            if (file.Object(root, at, "User") is not { } member)
            {
                return;
            }

            var (obj, path) = member;

            var uid = file.Number(obj, path, "UID");
            var gid = file.Number(obj, path, "GID");
            if (uid != 0 || gid != 0)
            {
                diagnostics.Warning(Messages.PluginUserIgnored, file.Locate(path), file.ShownName, uid, gid);
            }
        }

        /// <summary>Description and Settable, the parts every Docker setting has.</summary>
        private List<(string, string)> Setting(JsonElement obj, JsonPath path)
        {
            var metadata = new List<(string, string)>();
            Optional(metadata, "Description", file.String(obj, path, "Description"));
            Optional(metadata, "Settable", string.Join(',', file.Strings(obj, path, "Settable").Select(s => s.Value)));
            return metadata;
        }

        private static void Optional(List<(string, string)> metadata, string name, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                metadata.Add((name, value));
            }
        }

        private void Property(string name, JsonElement obj, JsonPath path, string key)
        {
            if (file.String(obj, path, key, out var valuePath) is { Length: > 0 } value)
            {
                _properties[name] = (value, valuePath);
            }
        }

        private void Flag(string name, JsonElement obj, JsonPath path, string key)
        {
            if (file.Bool(obj, path, key, out var valuePath))
            {
                _properties[name] = ("true", valuePath);
            }
        }

        private void Add(string itemType, string include, JsonPath path, IEnumerable<(string Name, string Value)>? metadata = null)
        {
            if (!_items.TryGetValue(itemType, out var list))
            {
                _items[itemType] = list = [];
            }

            var values = (metadata ?? []).ToDictionary(m => m.Name, m => m.Value, StringComparer.OrdinalIgnoreCase);
            list.Add(new RequestItem(include, values, file.Locator(path)) { IsImported = true });
        }
    }
}
