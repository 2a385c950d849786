
namespace OciBundle.Request;

/// <summary>
/// Docker's one <c>args</c> setting: a name, a description and a settable list beside the value
/// list. The project gives them as metadata on its OciArgs items (the first item that has each);
/// a plugin config file gives them as internal properties, so the file's setting survives an
/// empty value list (a named, settable args with no default) and a project that replaces the list.
/// The settings stage reads them into <see cref="PluginSettings.Args"/>.
/// </summary>
public static class PluginArgs
{
    /// <summary>Internal properties: the plugin config file's args.name, args.description and args.settable.</summary>
    public const string NameProperty = PlumbingNames.PluginArgsName;

    public const string DescriptionProperty = PlumbingNames.PluginArgsDescription;

    public const string SettableProperty = PlumbingNames.PluginArgsSettable;
}
