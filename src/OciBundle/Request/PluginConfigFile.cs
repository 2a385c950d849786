using System.Text.Json;
using OciBundle.Diagnostics;
using OciBundle.Platform;

namespace OciBundle.Request;

/// <summary>
/// A Docker plugin config.json, parsed, with typed reads that report a value of the wrong kind
/// (OCIB4003) at its line and column. Keys match in any case, as Go's JSON decoder matches them
/// against Docker's struct fields; when a key appears twice, the later one wins, as in Go.
/// </summary>
public sealed class PluginConfigFile
{
    private readonly byte[] _json;
    private readonly DiagnosticBag _diagnostics;

    private PluginConfigFile(string shownName, string filePath, byte[] json, JsonElement root, DiagnosticBag diagnostics)
    {
        ShownName = shownName;
        FilePath = filePath;
        _json = json;
        Root = root;
        _diagnostics = diagnostics;
    }

    public string ShownName { get; }

    public string FilePath { get; }

    public JsonElement Root { get; }

    /// <summary>Reads and parses the file; null, with OCIB4002 or OCIB4001 (or OCIB4003 for a non-object) reported, when it cannot be used.</summary>
    public static PluginConfigFile? Load(string shownName, string filePath, SourceLocation? propertyLocation, DiagnosticBag diagnostics)
    {
        if (InputFiles.TryReadJson(SurfaceNames.PluginConfig, shownName, filePath, propertyLocation, diagnostics, Messages.PluginConfigUnreadable) is not { } json)
        {
            return null;
        }

        return Parse(shownName, filePath, json, diagnostics);
    }

    public static PluginConfigFile? Parse(string shownName, string filePath, byte[] json, DiagnosticBag diagnostics)
    {
        if (json.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            json = json[3..];
        }

        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow });
            root = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            // JsonException counts from 0; editors and MSBuild count from 1.
            var line = (int)(e.LineNumber ?? 0) + 1;
            var column = (int)(e.BytePositionInLine ?? 0) + 1;
            var reason = e.Message;
            var cut = reason.IndexOf(" LineNumber:", StringComparison.Ordinal);
            reason = (cut >= 0 ? reason[..cut] : reason).TrimEnd('.', ' ');
            diagnostics.Error(Messages.PluginConfigInvalidJson, new SourceLocation(filePath, line, column), shownName, line, column, reason);
            return null;
        }

        if (JsonPositions.FindUndecodableString(json) is { } bad)
        {
            diagnostics.Error(Messages.PluginConfigInvalidJson, new SourceLocation(filePath, bad.Line, bad.Column), shownName, bad.Line, bad.Column, bad.Reason);
            return null;
        }

        var file = new PluginConfigFile(shownName, filePath, json, root, diagnostics);
        if (root.ValueKind != JsonValueKind.Object)
        {
            file.WrongKind(root, JsonPath.Root, "an object");
            return null;
        }

        return file;
    }

    /// <summary>The file at the line and column of the value at <paramref name="path"/>, looked up only when a message needs it.</summary>
    public Func<SourceLocation?> Locator(JsonPath path) => () => Locate(path);

    public SourceLocation Locate(JsonPath path) =>
        JsonPositions.Find(_json, path) is { } position ? new SourceLocation(FilePath, position.Line, position.Column) : new SourceLocation(FilePath);

    /// <summary>The member called <paramref name="name"/> in any case, with its path as spelled in the file; null when absent or null.</summary>
    public (JsonElement Value, JsonPath Path)? Member(JsonElement obj, JsonPath objPath, string name)
    {
        (JsonElement, JsonPath)? found = null;
        foreach (var property in obj.EnumerateObject())
        {
            if (property.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                found = property.Value.ValueKind == JsonValueKind.Null ? null : (property.Value, objPath.Property(property.Name));
            }
        }

        return found;
    }

    public string? String(JsonElement obj, JsonPath objPath, string name) =>
        String(obj, objPath, name, out _);

    public string? String(JsonElement obj, JsonPath objPath, string name, out JsonPath path)
    {
        path = objPath.Property(name);
        if (Member(obj, objPath, name) is not { } member)
        {
            return null;
        }

        path = member.Path;
        if (member.Value.ValueKind != JsonValueKind.String)
        {
            WrongKind(member.Value, member.Path, "a string");
            return null;
        }

        return member.Value.GetString();
    }

    public bool Bool(JsonElement obj, JsonPath objPath, string name, out JsonPath path)
    {
        path = objPath.Property(name);
        if (Member(obj, objPath, name) is not { } member)
        {
            return false;
        }

        path = member.Path;
        if (member.Value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            WrongKind(member.Value, member.Path, "true or false");
            return false;
        }

        return member.Value.GetBoolean();
    }

    public uint Number(JsonElement obj, JsonPath objPath, string name)
    {
        if (Member(obj, objPath, name) is not { } member)
        {
            return 0;
        }

        if (member.Value.ValueKind != JsonValueKind.Number || !member.Value.TryGetUInt32(out var value))
        {
            WrongKind(member.Value, member.Path, "a whole number from 0 to 4294967295");
            return 0;
        }

        return value;
    }

    /// <summary>An object member; null when absent, null, or of another kind (reported).</summary>
    public (JsonElement Value, JsonPath Path)? Object(JsonElement obj, JsonPath objPath, string name)
    {
        if (Member(obj, objPath, name) is not { } member)
        {
            return null;
        }

        if (member.Value.ValueKind != JsonValueKind.Object)
        {
            WrongKind(member.Value, member.Path, "an object");
            return null;
        }

        return member;
    }

    /// <summary>The strings of a list member, each with its path; values of another kind are reported and skipped.</summary>
    public List<(string Value, JsonPath Path)> Strings(JsonElement obj, JsonPath objPath, string name)
    {
        var result = new List<(string, JsonPath)>();
        foreach (var (element, path) in Array(obj, objPath, name))
        {
            if (element.ValueKind == JsonValueKind.String)
            {
                result.Add((element.GetString()!, path));
            }
            else
            {
                WrongKind(element, path, "a string");
            }
        }

        return result;
    }

    /// <summary>The objects of a list member, each with its path; values of another kind are reported and skipped.</summary>
    public List<(JsonElement Value, JsonPath Path)> Objects(JsonElement obj, JsonPath objPath, string name) =>
        Array(obj, objPath, name).Where(e =>
        {
            if (e.Value.ValueKind == JsonValueKind.Object)
            {
                return true;
            }

            WrongKind(e.Value, e.Path, "an object");
            return false;
        }).ToList();

    private List<(JsonElement Value, JsonPath Path)> Array(JsonElement obj, JsonPath objPath, string name)
    {
        if (Member(obj, objPath, name) is not { } member)
        {
            return [];
        }

        if (member.Value.ValueKind != JsonValueKind.Array)
        {
            WrongKind(member.Value, member.Path, "a list");
            return [];
        }

        return member.Value.EnumerateArray().Select((e, i) => (e, member.Path.Index(i))).ToList();
    }

    private void WrongKind(JsonElement value, JsonPath path, string expected)
    {
        var found = value.ValueKind switch
        {
            JsonValueKind.Object => "an object",
            JsonValueKind.Array => "a list",
            JsonValueKind.String => "a string",
            JsonValueKind.Number => "the number " + value.GetRawText(),
            JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
            _ => "null",
        };
        _diagnostics.Error(Messages.PluginConfigMalformed, Locate(path), ShownName, found, path, expected);
    }
}
