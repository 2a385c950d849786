using System.Xml;

namespace OciBundle.Diagnostics;

/// <summary>
/// Finds the element in a project or import file that set a property or defined an item, so an
/// error can point the editor at the line. Reads the XML only (no MSBuild evaluation): values
/// built from expressions or passed with -p: have no element, and then we say so by returning
/// null or only the file.
/// </summary>
public sealed class ProjectSourceLocator(IReadOnlyList<string> propertyFiles)
{
    private readonly Dictionary<string, List<ElementInfo>?> _cache = new(StringComparer.Ordinal);

    private sealed record ElementInfo(string Name, string? Include, bool InPropertyGroup, int Line, int Column)
    {
        public bool InItemGroup { get; init; }
    }

    /// <summary>The last element named <paramref name="property"/> inside a PropertyGroup, over the files in evaluation order.</summary>
    public SourceLocation? LocateProperty(string property)
    {
        SourceLocation? found = null;
        foreach (var file in propertyFiles)
        {
            var last = Elements(file)?.LastOrDefault(e => e.InPropertyGroup && e.Name.Equals(property, StringComparison.OrdinalIgnoreCase));
            if (last is not null)
            {
                found = new SourceLocation(file, last.Line, last.Column);
            }
        }

        return found;
    }

    /// <summary>
    /// Every property and item element (the children of PropertyGroup and ItemGroup, also inside
    /// targets) in the files, in order, for checks of their names.
    /// </summary>
    public IEnumerable<ProjectElement> PropertyAndItemElements() =>
        propertyFiles.SelectMany(file => (Elements(file) ?? [])
            .Where(e => e.InPropertyGroup || e.InItemGroup)
            .Select(e => new ProjectElement(e.Name, new SourceLocation(file, e.Line, e.Column))));

    /// <summary>
    /// The element of <paramref name="itemType"/> in <paramref name="definingFile"/> whose Include
    /// names <paramref name="itemSpec"/>; else the first element of that type; else the file alone.
    /// </summary>
    public SourceLocation? LocateItem(string? definingFile, string itemType, string itemSpec)
    {
        if (string.IsNullOrEmpty(definingFile))
        {
            return null;
        }

        var candidates = Elements(definingFile)?.Where(e => !e.InPropertyGroup && e.Include is not null
            && e.Name.Equals(itemType, StringComparison.OrdinalIgnoreCase)).ToList();
        if (candidates is null || candidates.Count == 0)
        {
            return new SourceLocation(definingFile);
        }

        var match = candidates.FirstOrDefault(e => e.Include!.Split(';').Any(part => part.Trim() == itemSpec))
            ?? candidates.FirstOrDefault(e => e.Include!.Contains(itemSpec, StringComparison.Ordinal))
            ?? candidates[0];
        return new SourceLocation(definingFile, match.Line, match.Column);
    }

    private List<ElementInfo>? Elements(string file)
    {
        if (_cache.TryGetValue(file, out var cached))
        {
            return cached;
        }

        List<ElementInfo>? result = null;
        try
        {
            result = Read(file);
        }
        catch (Exception e) when (e is IOException or XmlException or UnauthorizedAccessException)
        {
            // A file we cannot read gives no location; the message itself stays as clear.
        }

        _cache[file] = result;
        return result;
    }

    private static List<ElementInfo> Read(string file)
    {
        var result = new List<ElementInfo>();
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, IgnoreComments = true };
        using var reader = XmlReader.Create(file, settings);
        var info = (IXmlLineInfo)reader;
        var parents = new Stack<string>();
        while (reader.Read())
        {
            if (reader.NodeType == XmlNodeType.Element)
            {
                var parent = parents.Count > 0 ? parents.Peek() : "";
                result.Add(new ElementInfo(
                    reader.LocalName,
                    reader.GetAttribute("Include"),
                    parent.Equals("PropertyGroup", StringComparison.OrdinalIgnoreCase),
                    info.LineNumber,
                    info.LinePosition)
                {
                    InItemGroup = parent.Equals("ItemGroup", StringComparison.OrdinalIgnoreCase),
                });
                if (!reader.IsEmptyElement)
                {
                    parents.Push(reader.LocalName);
                }
            }
            else if (reader.NodeType == XmlNodeType.EndElement && parents.Count > 0)
            {
                parents.Pop();
            }
        }

        return result;
    }
}

/// <summary>A property or item element of a project file: its name and where it is.</summary>
public sealed record ProjectElement(string Name, SourceLocation Location);
