using OciBundle.Diagnostics;

namespace OciBundle.Request;

/// <summary>
/// Everything a project said about its bundle, as plain values: properties by name (see
/// <see cref="SurfaceNames"/>) and items by item type, each able to say where it was written.
/// The MSBuild task fills it; nothing here knows about MSBuild.
/// </summary>
public sealed class BundleRequest
{
    private readonly Dictionary<string, string> _properties = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, List<RequestItem>> _items = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Folder that relative host paths (OciBaseRootfs) are resolved against.</summary>
    public string ProjectDirectory { get; init; } = Environment.CurrentDirectory;

    /// <summary>Finds the element that set a property, for messages; null when unknown (set with -p:).</summary>
    public Func<string, SourceLocation?> LocateProperty { get; init; } = _ => null;

    /// <summary>The property and item elements of the project and its Directory.Build files, for the typo check (OCIB1093).</summary>
    public IReadOnlyList<ProjectElement> ProjectElements { get; init; } = [];

    public IEnumerable<KeyValuePair<string, string>> Properties => _properties;

    public IEnumerable<KeyValuePair<string, List<RequestItem>>> Items => _items;

    /// <summary>Sets a property; empty and whitespace-only values mean "not set", as in MSBuild.</summary>
    public BundleRequest With(string name, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            _properties.Remove(name);
        }
        else
        {
            _properties[name] = value.Trim();
        }

        return this;
    }

    public BundleRequest WithItems(string itemType, IEnumerable<RequestItem> items)
    {
        _items[itemType] = items.ToList();
        return this;
    }

    public BundleRequest WithItem(string itemType, string include, params (string Name, string Value)[] metadata)
    {
        if (!_items.TryGetValue(itemType, out var list))
        {
            _items[itemType] = list = [];
        }

        list.Add(new RequestItem(include, metadata.ToDictionary(m => m.Name, m => m.Value, StringComparer.OrdinalIgnoreCase)));
        return this;
    }

    /// <summary>Adds one of the SDK's own default items (what the props file declares).</summary>
    public BundleRequest WithDefaultItem(string itemType, string include, params (string Name, string Value)[] metadata)
    {
        WithItem(itemType, include, metadata);
        var list = _items[itemType];
        list[^1] = list[^1] with { IsDefault = true };
        return this;
    }

    /// <summary>
    /// OciPluginConfig's values under the project's: a copy of this request with the file's
    /// properties and items ahead of its own (<see cref="PluginConfigImport"/>); this
    /// request when it names no plugin config or the file cannot be read (reported).
    /// </summary>
    public BundleRequest WithPluginConfig(DiagnosticBag diagnostics) =>
        SurfaceReads.PluginConfig(this) is { } value
        && PluginConfigImport.Read(value, ProjectDirectory, LocateProperty(SurfaceNames.PluginConfig), diagnostics) is { } imported
            ? Import(imported)
            : this;

    /// <summary>
    /// A copy with values read from a file placed ahead of this request's: a property set here
    /// wins; items of a type in <see cref="ImportedValues.ReplacedLists"/> given here (not the
    /// SDK's defaults) replace the file's list; other items come after the file's, the SDK's
    /// default items first. The project's elements go with it, so its typos are still found.
    /// </summary>
    public BundleRequest Import(ImportedValues imported)
    {
        var fromFile = imported.Properties.Where(p => Get(p.Key) is null).ToDictionary(p => p.Key, p => p.Value, StringComparer.OrdinalIgnoreCase);
        var merged = new BundleRequest
        {
            ProjectDirectory = ProjectDirectory,
            ProjectElements = ProjectElements,
            LocateProperty = name => fromFile.TryGetValue(name, out var p) ? p.Locate() : LocateProperty(name),
        };
        foreach (var (name, value) in Properties)
        {
            merged.With(name, value);
        }

        foreach (var (name, property) in fromFile)
        {
            merged.With(name, property.Value);
        }

        var types = Items.Select(i => i.Key).Union(imported.Items.Keys, StringComparer.OrdinalIgnoreCase).ToList();
        foreach (var type in types)
        {
            var own = GetItems(type);
            var fileItems = imported.Items.TryGetValue(type, out var list) ? list : [];
            var replacesList = imported.ReplacedLists.Contains(type) && own.Any(i => !i.IsDefault);
            merged.WithItems(type, replacesList ? own : [.. own.Where(i => i.IsDefault), .. fileItems, .. own.Where(i => !i.IsDefault)]);
        }

        return merged;
    }

    public string? Get(string name) => _properties.TryGetValue(name, out var value) ? value : null;

    public IReadOnlyList<RequestItem> GetItems(string itemType) =>
        _items.TryGetValue(itemType, out var list) ? list : [];
}

/// <summary>A property read from a file: its value and where in the file it was written.</summary>
public sealed record ImportedProperty(string Value, Func<SourceLocation?> Locate);

/// <summary>Properties and items read from a file the project names, to go ahead of the project's own (<see cref="BundleRequest.Import"/>).</summary>
/// <param name="ReplacedLists">The item types whose list the project's own items replace rather than extend.</param>
public sealed record ImportedValues(
    IReadOnlyDictionary<string, ImportedProperty> Properties,
    IReadOnlyDictionary<string, List<RequestItem>> Items,
    IReadOnlySet<string> ReplacedLists);

/// <summary>One MSBuild item: its evaluated Include, its custom metadata, and where it was defined.</summary>
public sealed record RequestItem(string ItemSpec, IReadOnlyDictionary<string, string> Metadata, Func<SourceLocation?>? Locate = null)
{
    /// <summary>A default item of the SDK's own props (a project may replace it without a duplicate error).</summary>
    public bool IsDefault { get; init; }

    /// <summary>Read from OciPluginConfig: the project's own items add to it or replace it without a duplicate error.</summary>
    public bool IsImported { get; init; }

    /// <summary>A metadata value, or null when it is not set or empty.</summary>
    public string? Get(string name) =>
        Metadata.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value : null;

    public SourceLocation? Location => Locate?.Invoke();
}
