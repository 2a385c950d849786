using OciBundle.Diagnostics;
using OciBundle.Request;

namespace OciBundle.Settings;

/// <summary>
/// A plugin project's settings, read once by the settings stage (<see cref="SettingsReader"/>) for
/// plugin projects only: what the spec step, the rootfs check, the plugin rules and the plugin
/// config writer use, over the merged request (plugin config and project).
/// </summary>
/// <param name="RuntimeSource">OciPluginRuntimeSource, by default /run/docker/plugins/NAME (Docker uses the plugin's id).</param>
/// <param name="PropagatedMount">OciPropagatedMount without a trailing '/'; null when not set or invalid (OCIB4019).</param>
public sealed record PluginSettings(string RuntimeSource, Setting<string>? PropagatedMount)
{
    /// <summary>Where OciPluginConfig was written, for what the plugin's rootfs lacks.</summary>
    public SourceLocation? ConfigLocation { get; init; }

    /// <summary>OciPropagatedMount was written, also when it was refused: a volume driver without one is warned about.</summary>
    public bool PropagatedMountWritten { get; init; }

    /// <summary>The plugin config's network.type when it is not host (bridge, none); null when none was given.</summary>
    public string? NetworkType { get; init; }

    /// <summary>OciPluginSocket (null when unset), located where it was written or would be.</summary>
    public Setting<string?> Socket { get; init; } = new(null, new Origin(SurfaceNames.PluginSocket, null));

    /// <summary>OciPluginProtocolScheme (null when unset).</summary>
    public Setting<string?> ProtocolScheme { get; init; } = new(null, new Origin(SurfaceNames.PluginProtocolScheme, null));

    /// <summary>The OciPluginInterface items as written, in order.</summary>
    public IReadOnlyList<Setting<string>> InterfaceTypes { get; init; } = [];

    /// <summary>OciDescription and OciDocumentationUrl, for the plugin config only.</summary>
    public string? Description { get; init; }

    public string? Documentation { get; init; }

    /// <summary>Every OciEnvironmentVariable item as a plugin setting, keyed by its name.</summary>
    public IReadOnlyList<ItemSetting<PluginEntry>> Env { get; init; } = [];

    /// <summary>Every OciMount item (the SDK's defaults too) as a plugin setting, keyed by its trimmed destination.</summary>
    public IReadOnlyList<ItemSetting<PluginEntry>> Mounts { get; init; } = [];

    /// <summary>Every OciDevice item (the SDK's defaults too) as a plugin setting, keyed by its trimmed path.</summary>
    public IReadOnlyList<ItemSetting<PluginEntry>> Devices { get; init; } = [];

    /// <summary>Docker's one args setting (see <see cref="PluginArgs"/>); null when there are neither OciArgs items nor a setting.</summary>
    public Setting<PluginArgsValue>? Args { get; init; }
}

/// <summary>
/// One OciEnvironmentVariable, OciMount or OciDevice item as `docker plugin set` sees it: the item
/// as written, whether it is one of the SDK's defaults, and the metadata a plugin setting has.
/// </summary>
/// <param name="Settable">Settable split into its fields (<see cref="PluginVocabulary.SplitSettable"/>).</param>
/// <param name="Value">A variable's Value metadata exactly as given (null when absent); Docker's *string.</param>
/// <param name="NoDefault">A variable users set and that gives no value (<see cref="PluginVocabulary.HasNoDefault"/>).</param>
public sealed record PluginEntry(
    string ItemSpec,
    bool IsDefault,
    string? Name,
    string? Description,
    IReadOnlyList<string> Settable,
    string? Source,
    string? Type,
    string? Value,
    bool NoDefault);

/// <summary>Docker's args setting: the include it is named by, its name, description and settable fields, and the OciArgs values.</summary>
public sealed record PluginArgsValue(string ItemSpec, string? Name, string? Description, IReadOnlyList<string> Settable, IReadOnlyList<string> Values);
