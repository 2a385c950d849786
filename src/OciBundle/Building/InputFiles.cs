using OciBundle.Diagnostics;

namespace OciBundle.Building;

/// <summary>Reads a JSON input a property names (a seccomp profile, a plugin config), reporting an unreadable one with its own code.</summary>
public static class InputFiles
{
    /// <param name="unreadableText">The catalogue text to report with: {0} the value as written, {1} the full path, {2} the reason.</param>
    public static byte[]? TryReadAllBytes(string shownName, string filePath, SourceLocation? propertyLocation, DiagnosticBag diagnostics, string unreadableText)
    {
        try
        {
            return File.ReadAllBytes(filePath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            var reason = e is FileNotFoundException or DirectoryNotFoundException ? "it does not exist" : e.Message;
            diagnostics.Error(unreadableText, propertyLocation, shownName, filePath, reason);
            return null;
        }
    }
}
