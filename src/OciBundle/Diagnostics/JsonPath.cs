using System.Text;

namespace OciBundle.Diagnostics;

/// <summary>
/// A place in a JSON document, such as syscalls[3].args[0].op: shown in messages, and used by
/// <see cref="JsonPositions"/> to find the line and column it was written at.
/// </summary>
public sealed class JsonPath
{
    public static readonly JsonPath Root = new([]);

    private JsonPath(IReadOnlyList<object> segments)
    {
        Segments = segments;
    }

    /// <summary>Property names (string) and array indexes (int), from the root down.</summary>
    public IReadOnlyList<object> Segments { get; }

    public JsonPath Property(string name) => new([.. Segments, name]);

    public JsonPath Index(int index) => new([.. Segments, index]);

    public override string ToString()
    {
        var text = new StringBuilder();
        foreach (var segment in Segments)
        {
            if (segment is int index)
            {
                text.Append('[').Append(index).Append(']');
            }
            else
            {
                text.Append(text.Length > 0 ? "." : "").Append(segment);
            }
        }

        return text.Length > 0 ? text.ToString() : "the top level";
    }
}
