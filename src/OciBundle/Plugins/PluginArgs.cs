using OciBundle.Diagnostics;
using OciBundle.Request;

namespace OciBundle.Plugins;

/// <summary>
/// Docker's one <c>args</c> setting: a name, a description and a settable list beside the value
/// list. The project gives them as metadata on its OciArgs items (the first item that has each);
/// a plugin config file gives them as internal properties, so the file's setting survives an
/// empty value list (a named, settable args with no default) and a project that replaces the list.
/// </summary>
public static class PluginArgs
{
    /// <summary>Internal properties: the plugin config file's args.name, args.description and args.settable.</summary>
    public const string NameProperty = PlumbingNames.PluginArgsName;

    public const string DescriptionProperty = PlumbingNames.PluginArgsDescription;

    public const string SettableProperty = PlumbingNames.PluginArgsSettable;

    /// <summary>
    /// The args setting as one item (Include: the first value, or empty; metadata: Name, Description,
    /// Settable; located where its settable or name was given), or null when there are neither values nor a setting.
    /// </summary>
    public static RequestItem? Setting(RequestReader reader)
    {
        var args = reader.Items(SurfaceNames.Args);
        var name = First(args, "Name") ?? reader.String(NameProperty);
        var description = First(args, "Description") ?? reader.String(DescriptionProperty);
        var settable = First(args, "Settable") ?? reader.String(SettableProperty);
        if (args.Count == 0 && name is null && description is null && settable is null)
        {
            return null;
        }

        var metadata = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        Add(metadata, "Name", name);
        Add(metadata, "Description", description);
        Add(metadata, "Settable", settable);
        var carrier = args.FirstOrDefault(a => a.Get("Settable") is not null) ?? args.FirstOrDefault(a => a.Get("Name") is not null);
        Func<SourceLocation?> locate = carrier?.Locate is { } itemLocation
            ? itemLocation
            : () => reader.Locate(settable is not null ? SettableProperty : NameProperty) ?? args.FirstOrDefault()?.Location;
        return new RequestItem(carrier?.ItemSpec ?? args.FirstOrDefault()?.ItemSpec ?? "", metadata, locate);
    }

    private static string? First(IReadOnlyList<RequestItem> args, string metadata) =>
        args.Select(a => a.Get(metadata)).FirstOrDefault(v => v is not null);

    private static void Add(Dictionary<string, string> metadata, string name, string? value)
    {
        if (value is not null)
        {
            metadata[name] = value;
        }
    }
}
