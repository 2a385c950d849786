using OciBundle.Diagnostics;
using OciBundle.Spec;

namespace OciBundle.Building;

/// <summary>linux.namespaces from OciNamespace items (Include = type, optional Path to join one).</summary>
public static class NamespaceStep
{
    public static readonly IReadOnlyList<string> Types = ["pid", "network", "ipc", "uts", "mount", "user", "cgroup", "time"];

    public static void Apply(SpecContext context, RuntimeSpec spec)
    {
        var reader = context.Reader;
        var namespaces = new List<Namespace>();
        var duplicates = new DuplicateItems(reader, SurfaceNames.Namespace);
        foreach (var item in reader.Items(SurfaceNames.Namespace))
        {
            var type = item.ItemSpec.Trim().ToLowerInvariant();
            if (!Types.Contains(type))
            {
                reader.Diagnostics.Error(Messages.UnknownNamespace, item.Location, item.ItemSpec, NearestName.Hint(type, Types));
                continue;
            }

            duplicates.Check(item, type);
            context.Origins.Set(SpecPaths.Namespace(type), Origin.Item(SurfaceNames.Namespace, item));

            var path = item.Get("Path");
            if (path is not null && !path.StartsWith('/'))
            {
                reader.Diagnostics.Error(Messages.PathNotAbsolute, item.Location, $"{SurfaceNames.Namespace} '{type}' Path", path);
                continue;
            }

            namespaces.ReplaceOrAdd(n => n.Type == type, new Namespace { Type = type, Path = path });
        }

        spec.Linux.Namespaces = namespaces;
    }
}
