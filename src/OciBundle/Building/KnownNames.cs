using System.Reflection;

namespace OciBundle.Building;

/// <summary>
/// Every name a project may write for this SDK, for the typo check (OCIB1093, OCIB1094): the
/// public names of <see cref="SurfaceNames"/>, the switches and outputs of the props and targets,
/// and the metadata each item is read with. A step that reads new metadata adds it here.
/// </summary>
public static class KnownNames
{
    /// <summary>Names the SDK's props and targets define besides the task's inputs: switches and outputs.</summary>
    private static readonly string[] OtherNames =
    [
        "OciEnableDefaultItems", "OciEnableDefaultCapabilityItems", "OciEnableDefaultMaskedPathItems",
        "OciEnableDefaultMountItems", "OciEnableDefaultNamespaceItems", "OciEnableDefaultReadonlyPathItems",
        "OciEnableDefaultRlimitItems", "OciBundleOutput", "OciBundleDirectory",
        Plugins.PluginArgs.NameProperty, Plugins.PluginArgs.DescriptionProperty, Plugins.PluginArgs.SettableProperty,
    ];

    /// <summary>Every property and item name a project may write (any case, as MSBuild reads them).</summary>
    public static readonly IReadOnlySet<string> All = typeof(SurfaceNames)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral && f.FieldType == typeof(string))
        .Select(f => (string)f.GetRawConstantValue()!)
        .Concat(OtherNames)
        .ToHashSet(StringComparer.OrdinalIgnoreCase);

    private static readonly string[] PluginSettable = ["Name", "Settable", "Description"];

    /// <summary>The metadata the SDK reads on each of its items; any other is a typo or ignored.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> ItemMetadata = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase)
    {
        [SurfaceNames.Entrypoint] = [],
        [SurfaceNames.Args] = PluginSettable,
        [SurfaceNames.EnvironmentVariable] = ["Value", .. PluginSettable],
        [SurfaceNames.Rlimit] = ["Soft", "Hard"],
        [SurfaceNames.Capability] = ["Ambient"],
        [SurfaceNames.MaskedPath] = [],
        [SurfaceNames.ReadonlyPath] = [],
        [SurfaceNames.Namespace] = ["Path"],
        [SurfaceNames.Mount] = ["Source", "Type", "Options", "Mode", .. PluginSettable],
        [SurfaceNames.Device] = ["Type", "Major", "Minor", "FileMode", "Uid", "Gid", "Access", .. PluginSettable],
        [SurfaceNames.UidMapping] = ["ContainerID", "HostID", "Size"],
        [SurfaceNames.GidMapping] = ["ContainerID", "HostID", "Size"],
        [SurfaceNames.AdditionalGroup] = [],
        [SurfaceNames.Hook] = ["Stage", "Args", "Env", "Timeout"],
        [SurfaceNames.Annotation] = ["Value"],
        [SurfaceNames.Sysctl] = ["Value"],
        [SurfaceNames.RootfsFile] = ["TargetPath", "Mode", "Uid", "Gid", "FullPath", "RecursiveDir"],
        [SurfaceNames.RootfsDirectory] = ["Mode", "Uid", "Gid"],
        [SurfaceNames.RootfsSymlink] = ["LinkTarget", "Mode", "Uid", "Gid"],
        [SurfaceNames.PluginInterface] = [],
        [SurfaceNames.SharedLibrary] = [],
        [SurfaceNames.ImageTag] = [],
        [SurfaceNames.Port] = ["Type"],
        [SurfaceNames.Label] = ["Value"],
    };
}
