using OciBundle.Diagnostics;
using OciBundle.Spec;

namespace OciBundle.Building;

/// <summary>linux.maskedPaths and linux.readonlyPaths from OciMaskedPath and OciReadonlyPath items.</summary>
public static class PathListStep
{
    public static void Apply(SpecContext context, RuntimeSpec spec)
    {
        var reader = context.Reader;
        spec.Linux.MaskedPaths = Read(reader, SurfaceNames.MaskedPath);
        spec.Linux.ReadonlyPaths = Read(reader, SurfaceNames.ReadonlyPath);

        // The project's own first item: the defaults are not what the user wrote.
        foreach (var (path, itemType) in new[] { (SpecPaths.MaskedPaths, SurfaceNames.MaskedPath), (SpecPaths.ReadonlyPaths, SurfaceNames.ReadonlyPath) })
        {
            if (reader.Items(itemType).FirstOrDefault(i => !i.IsDefault) is { } first)
            {
                context.Origins.Set(path, Origin.Item(itemType, first));
            }
        }
    }

    private static List<string>? Read(RequestReader reader, string itemType)
    {
        var paths = new List<string>();
        foreach (var item in reader.Items(itemType))
        {
            var path = item.ItemSpec.Trim();
            if (!path.StartsWith('/'))
            {
                reader.Diagnostics.Error(Messages.PathNotAbsolute, item.Location, itemType, path);
                continue;
            }

            if (!paths.Contains(path))
            {
                paths.Add(path);
            }
        }

        return paths.Count > 0 ? paths : null;
    }
}
