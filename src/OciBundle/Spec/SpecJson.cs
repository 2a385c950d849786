using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace OciBundle.Spec;

/// <summary>Writes and reads config.json with the same bytes on every OS.</summary>
public static class SpecJson
{
    // Non-ASCII text (paths, env values) stays readable; a config file needs no HTML escaping.
    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        TypeInfoResolver = SpecJsonContext.Default,
    };

    /// <summary>config.json as UTF-8: two-space indent, '\n' line ends, a final newline, nulls left out.</summary>
    public static byte[] Serialize(RuntimeSpec spec)
    {
        var json = JsonSerializer.Serialize(spec, Options);

        // On .NET 8 the indented writer uses Environment.NewLine; JSON strings escape their own
        // line breaks, so every CR LF here is formatting and can be normalised safely.
        json = json.Replace("\r\n", "\n", StringComparison.Ordinal) + "\n";
        return Encoding.UTF8.GetBytes(json);
    }

    public static RuntimeSpec Deserialize(string json) =>
        JsonSerializer.Deserialize<RuntimeSpec>(json, Options) ?? throw new JsonException("config.json is null.");
}

[JsonSerializable(typeof(RuntimeSpec))]
internal sealed partial class SpecJsonContext : JsonSerializerContext;
