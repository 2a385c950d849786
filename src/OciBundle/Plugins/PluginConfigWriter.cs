using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using OciBundle.Request;
using OciBundle.Settings;
using OciBundle.Spec;

namespace OciBundle.Plugins;

/// <summary>
/// Docker's plugin config.json for the merged view (plugin config and project), in the field names
/// and shape of moby's api/types PluginConfig, which `docker plugin inspect` shows: every field
/// written, lists as lists. Importing it gives the spec the project gave (PluginRoundTrip tests).
/// </summary>
public static class PluginConfigWriter
{
    private static readonly JsonWriterOptions Options = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static byte[] Write(BundleSettings settings, RuntimeSpec spec)
    {
        var plugin = settings.Plugin ?? throw new InvalidOperationException("The plugin config is written for plugin projects only.");
        var isolation = settings.Isolation;
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, Options))
        {
            json.WriteStartObject();
            WriteArgs(json, plugin);
            json.WriteString("Description", plugin.Description ?? "");
            json.WriteString("Documentation", plugin.Documentation ?? "");
            Strings(json, "Entrypoint", Entrypoint(settings, spec));
            WriteEnv(json, plugin);
            WriteInterface(json, plugin);
            json.WriteBoolean("IpcHost", isolation.HostIpc.Value);
            WriteLinux(json, plugin, isolation, spec);
            WriteMounts(json, plugin, spec);
            json.WriteStartObject("Network");
            json.WriteString("Type", isolation.HostNetwork.Value ? "host" : plugin.NetworkType ?? "");
            json.WriteEndObject();
            json.WriteBoolean("PidHost", isolation.HostPid.Value);
            json.WriteString("PropagatedMount", plugin.PropagatedMount?.Value ?? "");
            json.WriteStartObject("User"); // Docker ignores it; plugins run as root
            json.WriteEndObject();
            json.WriteString("WorkDir", settings.Process.CwdText ?? (spec.Process.Cwd == "/" ? "" : spec.Process.Cwd));
            json.WriteEndObject();
        }

        // The indented writer uses Environment.NewLine on .NET 8: normalise, as SpecJson does.
        var text = Encoding.UTF8.GetString(buffer.ToArray()).Replace("\r\n", "\n", StringComparison.Ordinal) + "\n";
        return Encoding.UTF8.GetBytes(text);
    }

    /// <summary>
    /// process.args without the OciArgs after it: the OciEntrypoint items, or the entrypoint the
    /// SDK chose (a .NET app's apphost), which Docker needs as much as runc does.
    /// </summary>
    private static IEnumerable<string> Entrypoint(BundleSettings settings, RuntimeSpec spec) =>
        spec.Process.Args.Take(Math.Max(0, spec.Process.Args.Count - settings.Process.ArgsItemCount));

    private static void WriteArgs(Utf8JsonWriter json, PluginSettings plugin)
    {
        var setting = plugin.Args?.Value;
        json.WriteStartObject("Args");
        json.WriteString("Description", setting?.Description ?? "");
        json.WriteString("Name", setting?.Name ?? "");
        Strings(json, "Settable", setting?.Settable ?? []);
        Strings(json, "Value", setting?.Values ?? []);
        json.WriteEndObject();
    }

    /// <summary>The project's variables (PATH only when it sets one: Docker puts its own first), one per name, last value.</summary>
    private static void WriteEnv(Utf8JsonWriter json, PluginSettings plugin)
    {
        json.WriteStartArray("Env");
        foreach (var item in Effective(plugin.Env))
        {
            json.WriteStartObject();
            json.WriteString("Description", item.Description ?? "");
            json.WriteString("Name", item.ItemSpec);
            Strings(json, "Settable", item.Settable);
            if (item.NoDefault)
            {
                json.WriteNull("Value"); // Docker's *string: no default, the variable is left out until set
            }
            else
            {
                json.WriteString("Value", item.Value ?? "");
            }
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    private static void WriteInterface(Utf8JsonWriter json, PluginSettings plugin)
    {
        json.WriteStartObject("Interface");
        if (plugin.ProtocolScheme.Value is { } scheme)
        {
            json.WriteString("ProtocolScheme", scheme); // omitempty in Docker's struct
        }

        json.WriteString("Socket", plugin.Socket.Value ?? "");
        Strings(json, "Types", plugin.InterfaceTypes.Select(t => t.Value).Distinct(StringComparer.Ordinal));
        json.WriteEndObject();
    }

    /// <summary>Capabilities beyond Docker's defaults (Docker adds them to its own), and the project's devices by path: Docker reads the numbers from the host.</summary>
    private static void WriteLinux(Utf8JsonWriter json, PluginSettings plugin, IsolationSettings isolation, RuntimeSpec spec)
    {
        json.WriteStartObject("Linux");
        json.WriteBoolean("AllowAllDevices", isolation.AllowAllDevices.Value);
        Strings(json, "Capabilities", (spec.Process.Capabilities?.Bounding ?? []).Where(c => !PluginVocabulary.DockerDefaultCapabilities.Contains(c)));
        json.WriteStartArray("Devices");
        foreach (var (path, item) in EffectiveByKey(plugin.Devices.Where(i => !i.Value!.IsDefault)))
        {
            json.WriteStartObject();
            json.WriteString("Description", item.Description ?? "");
            json.WriteString("Name", item.Name ?? "");
            json.WriteString("Path", path);
            Strings(json, "Settable", item.Settable);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>The project's own mounts (Docker has the defaults), with the type and options as the spec has them (rbind added).</summary>
    private static void WriteMounts(Utf8JsonWriter json, PluginSettings plugin, RuntimeSpec spec)
    {
        json.WriteStartArray("Mounts");
        foreach (var (destination, item) in EffectiveByKey(plugin.Mounts.Where(i => !i.Value!.IsDefault)))
        {
            var mount = spec.Mounts.FirstOrDefault(m => m.Destination == destination);
            json.WriteStartObject();
            json.WriteString("Description", item.Description ?? "");
            json.WriteString("Destination", destination);
            json.WriteString("Name", item.Name ?? "");
            Strings(json, "Options", mount?.Options ?? []);
            Strings(json, "Settable", item.Settable);
            // Docker's *string must not be null: `docker plugin set P NAME.source=…` refuses a null
            // source ("Plugin config has no mount source"), and so does enable. Empty means "to be set".
            json.WriteString("Source", item.Source ?? "");

            json.WriteString("Type", mount?.Type ?? item.Type ?? "");
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    private static void Strings(Utf8JsonWriter json, string name, IEnumerable<string> values)
    {
        json.WriteStartArray(name);
        foreach (var value in values)
        {
            json.WriteStringValue(value);
        }

        json.WriteEndArray();
    }

    /// <summary>
    /// One item per key, the last given, in the order the keys first appeared (as ProcessStep orders
    /// variables). Callers drop the SDK's default items first: a file's /dev/shm mount that replaces
    /// the default one would otherwise take the default's place, ahead of the file's other mounts.
    /// </summary>
    private static IEnumerable<(string Key, PluginEntry Item)> EffectiveByKey(IEnumerable<ItemSetting<PluginEntry>> items) =>
        items.GroupBy(i => i.Key, StringComparer.Ordinal).Select(g => (g.Key, g.Last().Value!));

    private static IEnumerable<PluginEntry> Effective(IEnumerable<ItemSetting<PluginEntry>> items) =>
        EffectiveByKey(items).Select(e => e.Item);
}
