using OciBundle.Diagnostics;

namespace OciBundle.Seccomp;

/// <summary>A profile's bytes with the names to use for it in messages: the value as written, and the file.</summary>
public sealed record SeccompProfileSource(string ShownName, string FilePath, byte[] Json)
{
    /// <summary>The file, at the line and column of the value at <paramref name="path"/> when it can be found.</summary>
    public SourceLocation Locate(JsonPath path) =>
        JsonPositions.Find(Json, path) is { } position
            ? new SourceLocation(FilePath, position.Line, position.Column)
            : new SourceLocation(FilePath);
}
