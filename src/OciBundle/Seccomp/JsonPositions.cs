using System.Text.Json;

namespace OciBundle.Seccomp;

/// <summary>
/// Finds where a value was written in a JSON file, so an error about a profile's content can
/// point the editor at the line, as JsonException does for a syntax error. System.Text.Json's
/// DOM keeps no positions, so this walks the tokens once more with a path of its own.
/// </summary>
public static class JsonPositions
{
    private sealed class Frame(bool isArray)
    {
        public bool IsArray { get; } = isArray;

        public string? Name { get; set; }

        public int Index { get; set; } = -1;

        public object? Segment => IsArray ? Index : Name;
    }

    /// <summary>The 1-based line and column (in bytes, as JsonException counts) of the value at <paramref name="path"/>, or null.</summary>
    public static (int Line, int Column)? Find(ReadOnlySpan<byte> json, JsonPath path)
    {
        var reader = new Utf8JsonReader(json);
        var frames = new List<Frame>();
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        frames[^1].Name = reader.GetString();
                        continue;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        frames.RemoveAt(frames.Count - 1);
                        continue;
                }

                // Any other token starts a value: count it in its array, then compare paths.
                if (frames.Count > 0 && frames[^1].IsArray)
                {
                    frames[^1].Index++;
                }

                if (IsAt(frames, path))
                {
                    return LineAndColumn(json, reader.TokenStartIndex);
                }

                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    frames.Add(new Frame(reader.TokenType == JsonTokenType.StartArray));
                }
            }
        }
        catch (JsonException)
        {
            // Only files that already parsed come here; a position is a nicety, never an error.
        }

        return null;
    }

    private static bool IsAt(List<Frame> frames, JsonPath path)
    {
        if (frames.Count != path.Segments.Count)
        {
            return false;
        }

        for (var i = 0; i < frames.Count; i++)
        {
            if (!Equals(frames[i].Segment, path.Segments[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static (int Line, int Column) LineAndColumn(ReadOnlySpan<byte> json, long offset)
    {
        var before = json[..(int)offset];
        var lastNewline = before.LastIndexOf((byte)'\n');
        var line = before.Count((byte)'\n') + 1;
        return (line, (int)offset - lastNewline);
    }
}
