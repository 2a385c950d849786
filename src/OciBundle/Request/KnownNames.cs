namespace OciBundle.Request;

/// <summary>
/// Every name a project may write for this SDK, for the typo check (OCIB1093, OCIB1094): the
/// public rows of <see cref="SurfaceTable"/> (the task's inputs, the props' switches, the
/// target's outputs, and the internal names marked known), and the metadata each item is read
/// with. A step that reads new metadata adds it here.
/// </summary>
public static class KnownNames
{
    /// <summary>Every property and item name a project may write (any case, as MSBuild reads them), in the table's order.</summary>
    public static readonly IReadOnlySet<string> All = SurfaceTable.Rows
        .Where(r => r.IsKnownToProjects)
        .Select(r => r.Name)
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
