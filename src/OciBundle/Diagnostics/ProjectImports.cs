using System.Text.RegularExpressions;
using System.Xml;

namespace OciBundle.Diagnostics;

/// <summary>
/// The project's own files and the files they pull in with <c>&lt;Import Project="…"/&gt;</c>, for
/// the typo check and error locations. MSBuild gives a task no list of imports
/// (<c>$(MSBuildAllProjects)</c> is no longer filled since MSBuild 16), so the imports are followed
/// in the XML: only paths that are plain or built from the file's and project's own folder
/// (<c>$(MSBuildThisFileDirectory)</c>, <c>$(MSBuildProjectDirectory)</c>). Sdk imports and paths
/// built from other properties (<c>$(MSBuildExtensionsPath)</c>, <c>$(NuGetPackageRoot)</c>, …) are
/// the SDKs' and Microsoft's files, which are not the user's to fix, and are never followed.
/// </summary>
public static partial class ProjectImports
{
    /// <summary>More imports than any hand-written project has: a bound against import cycles of generated files.</summary>
    private const int MaxFiles = 256;

    /// <summary>
    /// <paramref name="files"/> (existing, full paths) with each one's imports placed before it,
    /// depth first, each file once.
    /// </summary>
    public static IReadOnlyList<string> Expand(IReadOnlyList<string> files, string projectDirectory)
    {
        var result = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            Visit(file, projectDirectory, seen, result);
        }

        return result;
    }

    private static void Visit(string file, string projectDirectory, HashSet<string> seen, List<string> result)
    {
        if (result.Count >= MaxFiles || !seen.Add(file))
        {
            return;
        }

        foreach (var imported in Imports(file, projectDirectory))
        {
            Visit(imported, projectDirectory, seen, result);
        }

        result.Add(file);
    }

    /// <summary>The files that <paramref name="file"/> imports and that exist, in document order.</summary>
    public static IEnumerable<string> Imports(string file, string projectDirectory)
    {
        var found = new List<string>();
        try
        {
            var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, IgnoreComments = true, XmlResolver = null };
            using var reader = XmlReader.Create(file, settings);
            var directory = Path.GetDirectoryName(file) ?? projectDirectory;
            while (reader.Read())
            {
                if (reader.NodeType == XmlNodeType.Element && reader.LocalName.Equals("Import", StringComparison.OrdinalIgnoreCase)
                    && reader.GetAttribute("Sdk") is null && reader.GetAttribute("Project") is { } project
                    && Resolve(project, directory, projectDirectory) is { } path && File.Exists(path))
                {
                    found.Add(path);
                }
            }
        }
        catch (Exception e) when (e is IOException or XmlException or UnauthorizedAccessException)
        {
            // An unreadable file has no imports we can follow; MSBuild itself says what is wrong with it.
        }

        return found;
    }

    /// <summary>The full path an Import's Project names, or null when it is built from anything but the two folders.</summary>
    public static string? Resolve(string project, string fileDirectory, string projectDirectory)
    {
        var expanded = project.Trim()
            .Replace("$(MSBuildThisFileDirectory)", fileDirectory + Path.DirectorySeparatorChar, StringComparison.OrdinalIgnoreCase)
            .Replace("$(MSBuildProjectDirectory)", projectDirectory, StringComparison.OrdinalIgnoreCase);
        if (expanded.Length == 0 || Unexpanded().IsMatch(expanded) || expanded.IndexOfAny(['*', '?', ';']) >= 0)
        {
            return null;
        }

        try
        {
            return Path.GetFullPath(expanded.Replace('\\', '/'), fileDirectory);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return null;
        }
    }

    [GeneratedRegex(@"[$@%]\(")]
    private static partial Regex Unexpanded();
}
