using System.Text.Json;

namespace OciBundle.Diagnostics;

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
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // Only files that already parsed come here; a position is a nicety, never an error.
        }

        return null;
    }

    /// <summary>
    /// The first string or member name of a (syntactically valid) JSON file that has no text: bytes
    /// that are not UTF-8, or a \u escape of half a surrogate pair. The readers accept both and
    /// fail only when the text is asked for, so every JSON input is checked once, right after it
    /// parsed, and reported as invalid JSON at that position. Null when every string decodes.
    /// </summary>
    public static (int Line, int Column, string Reason)? FindUndecodableString(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType is not (JsonTokenType.PropertyName or JsonTokenType.String))
                {
                    continue;
                }

                try
                {
                    _ = reader.GetString();
                }
                catch (InvalidOperationException)
                {
                    var (line, column) = LineAndColumn(json, reader.TokenStartIndex);
                    var what = reader.TokenType == JsonTokenType.PropertyName ? "a member name" : "a string";
                    return (line, column, $"{what} that is not text (bytes that are not UTF-8, or a \\u escape of half a surrogate pair)");
                }
            }
        }
        catch (JsonException)
        {
            // Syntax errors are the parser's to report, with its own message.
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
