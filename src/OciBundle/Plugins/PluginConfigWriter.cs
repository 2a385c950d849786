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

    public static byte[] Write(RequestReader reader, BundleSettings settings, RuntimeSpec spec)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, Options))
        {
            json.WriteStartObject();
            WriteArgs(json, reader);
            json.WriteString("Description", reader.String(SurfaceNames.Description) ?? "");
            json.WriteString("Documentation", reader.String(SurfaceNames.DocumentationUrl) ?? "");
            Strings(json, "Entrypoint", Entrypoint(reader, spec));
            WriteEnv(json, reader);
            WriteInterface(json, reader);
            json.WriteBoolean("IpcHost", reader.Bool(SurfaceNames.HostIpc, false));
            WriteLinux(json, reader, spec);
            WriteMounts(json, reader, spec);
            json.WriteStartObject("Network");
            json.WriteString("Type", NetworkType(reader));
            json.WriteEndObject();
            json.WriteBoolean("PidHost", reader.Bool(SurfaceNames.HostPid, false));
            json.WriteString("PropagatedMount", settings.Plugin?.PropagatedMount?.Value ?? "");
            json.WriteStartObject("User"); // Docker ignores it; plugins run as root
            json.WriteEndObject();
            json.WriteString("WorkDir", reader.String(SurfaceNames.WorkingDirectory) ?? (spec.Process.Cwd == "/" ? "" : spec.Process.Cwd));
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
    private static IEnumerable<string> Entrypoint(RequestReader reader, RuntimeSpec spec) =>
        spec.Process.Args.Take(Math.Max(0, spec.Process.Args.Count - reader.Items(SurfaceNames.Args).Count));

    /// <summary>host for a shared network namespace; otherwise the type a plugin config gave (bridge, none), or none at all.</summary>
    private static string NetworkType(RequestReader reader) =>
        reader.String(SurfaceNames.NetworkMode)?.ToLowerInvariant() == "host" ? "host" : reader.String(PluginVocabulary.NetworkTypeProperty) ?? "";

    private static void WriteArgs(Utf8JsonWriter json, RequestReader reader)
    {
        var setting = PluginArgs.Setting(reader);
        json.WriteStartObject("Args");
        json.WriteString("Description", setting?.Get("Description") ?? "");
        json.WriteString("Name", setting?.Get("Name") ?? "");
        Strings(json, "Settable", PluginVocabulary.SplitSettable(setting?.Get("Settable")));
        Strings(json, "Value", reader.Items(SurfaceNames.Args).Select(a => a.ItemSpec));
        json.WriteEndObject();
    }

    /// <summary>The project's variables (PATH only when it sets one: Docker puts its own first), one per name, last value.</summary>
    private static void WriteEnv(Utf8JsonWriter json, RequestReader reader)
    {
        json.WriteStartArray("Env");
        foreach (var item in Effective(reader.Items(SurfaceNames.EnvironmentVariable), i => i.ItemSpec))
        {
            json.WriteStartObject();
            json.WriteString("Description", item.Get("Description") ?? "");
            json.WriteString("Name", item.ItemSpec);
            Strings(json, "Settable", PluginVocabulary.SplitSettable(item.Get("Settable")));
            if (PluginVocabulary.HasNoDefault(item))
            {
                json.WriteNull("Value"); // Docker's *string: no default, the variable is left out until set
            }
            else
            {
                json.WriteString("Value", item.Metadata.TryGetValue("Value", out var value) ? value : "");
            }
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    private static void WriteInterface(Utf8JsonWriter json, RequestReader reader)
    {
        json.WriteStartObject("Interface");
        if (reader.String(SurfaceNames.PluginProtocolScheme) is { } scheme)
        {
            json.WriteString("ProtocolScheme", scheme); // omitempty in Docker's struct
        }

        json.WriteString("Socket", reader.String(SurfaceNames.PluginSocket) ?? "");
        Strings(json, "Types", reader.Items(SurfaceNames.PluginInterface).Select(i => i.ItemSpec).Distinct(StringComparer.Ordinal));
        json.WriteEndObject();
    }

    /// <summary>Capabilities beyond Docker's defaults (Docker adds them to its own), and the project's devices by path: Docker reads the numbers from the host.</summary>
    private static void WriteLinux(Utf8JsonWriter json, RequestReader reader, RuntimeSpec spec)
    {
        json.WriteStartObject("Linux");
        json.WriteBoolean("AllowAllDevices", reader.Bool(SurfaceNames.AllowAllDevices, false));
        Strings(json, "Capabilities", (spec.Process.Capabilities?.Bounding ?? []).Where(c => !PluginVocabulary.DockerDefaultCapabilities.Contains(c)));
        json.WriteStartArray("Devices");
        foreach (var item in Effective(reader.Items(SurfaceNames.Device).Where(i => !i.IsDefault), i => i.ItemSpec.Trim()))
        {
            json.WriteStartObject();
            json.WriteString("Description", item.Get("Description") ?? "");
            json.WriteString("Name", item.Get("Name") ?? "");
            json.WriteString("Path", item.ItemSpec.Trim());
            Strings(json, "Settable", PluginVocabulary.SplitSettable(item.Get("Settable")));
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>The project's own mounts (Docker has the defaults), with the type and options as the spec has them (rbind added).</summary>
    private static void WriteMounts(Utf8JsonWriter json, RequestReader reader, RuntimeSpec spec)
    {
        json.WriteStartArray("Mounts");
        foreach (var item in Effective(reader.Items(SurfaceNames.Mount).Where(i => !i.IsDefault), i => i.ItemSpec.Trim()))
        {
            var destination = item.ItemSpec.Trim();
            var mount = spec.Mounts.FirstOrDefault(m => m.Destination == destination);
            json.WriteStartObject();
            json.WriteString("Description", item.Get("Description") ?? "");
            json.WriteString("Destination", destination);
            json.WriteString("Name", item.Get("Name") ?? "");
            Strings(json, "Options", mount?.Options ?? []);
            Strings(json, "Settable", PluginVocabulary.SplitSettable(item.Get("Settable")));
            // Docker's *string must not be null: `docker plugin set P NAME.source=…` refuses a null
            // source ("Plugin config has no mount source"), and so does enable. Empty means "to be set".
            json.WriteString("Source", item.Get("Source") ?? "");

            json.WriteString("Type", mount?.Type ?? item.Get("Type") ?? "");
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
    private static IEnumerable<RequestItem> Effective(IEnumerable<RequestItem> items, Func<RequestItem, string> key) =>
        items.GroupBy(key, StringComparer.Ordinal).Select(g => g.Last());
}
