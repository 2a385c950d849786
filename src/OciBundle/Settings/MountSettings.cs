using OciBundle.Diagnostics;
using OciBundle.Request;
using OciBundle.Rootfs;

namespace OciBundle.Settings;

/// <summary>An accepted OciMount item: the destination (trimmed), the type (bind for a host path), the source and the options as they go into config.json.</summary>
public sealed record MountValue(string Destination, string? Type, string? Source, IReadOnlyList<string>? Options);

/// <summary>Reads OciMount, OciMaskedPath and OciReadonlyPath items for <see cref="IsolationSettings"/>.</summary>
public static class MountSettings
{
    /// <summary>
    /// OciMount items (Include = destination; Source, Type, Options, Mode). A host source with no
    /// type is a bind mount. Every item keeps its origin under its destination, also one refused.
    /// </summary>
    public static List<ItemSetting<MountValue>> ReadMounts(RequestReader reader)
    {
        var result = new List<ItemSetting<MountValue>>();
        var duplicates = new DuplicateItems(reader, SurfaceNames.Mount);
        foreach (var item in reader.Items(SurfaceNames.Mount))
        {
            var destination = item.ItemSpec.Trim();
            result.Add(new(destination, Read(reader, item, destination, duplicates), Origin.Item(SurfaceNames.Mount, item)));
        }

        return result;
    }

    private static MountValue? Read(RequestReader reader, RequestItem item, string destination, DuplicateItems duplicates)
    {
        if (!destination.StartsWith('/'))
        {
            reader.Diagnostics.Error(Messages.MountDestinationNotAbsolute, item.Location, destination);
            return null;
        }

        if (!RootfsPath.TryNormalizeWritten(destination, out var normalized, out var reason) || normalized.Length == 0)
        {
            reader.Diagnostics.Error(Messages.InvalidRootfsPath, item.Location, SurfaceNames.Mount, destination, reason ?? "it is the root itself");
            return null;
        }

        duplicates.Check(item, destination);

        var options = (item.Get("Options") ?? "")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .ToList();
        var type = item.Get("Type");
        var source = item.Get("Source");
        if (type is null && source is not null && source.StartsWith('/'))
        {
            type = "bind";
        }

        // A bind source is a host path; a relative one is resolved by runc against the bundle
        // folder at run time ("no such device" when it is not there), never against the project.
        var isBind = type is null or "bind" || options.Contains("bind") || options.Contains("rbind");
        if (source is not null && isBind && !source.StartsWith('/'))
        {
            reader.Diagnostics.Error(Messages.RelativeBindSource, item.Location, destination, source);
            return null;
        }

        if (type == "bind" && !options.Contains("bind") && !options.Contains("rbind"))
        {
            options.Insert(0, "rbind");
        }

        // runc hands type "none" to mount(2) as a file system name unless a bind option makes
        // it a bind (as Docker writes it); the kernel knows no "none" and the container fails
        // to start ("no such device"). runtime-tools found these (docs/reliability.md).
        if (type == "none" && !options.Contains("bind") && !options.Contains("rbind"))
        {
            reader.Diagnostics.Error(Messages.NoneMountWithoutBind, item.Location, destination, options.Count > 0 ? string.Join(',', options) : "none");
            return null;
        }

        var mode = item.Get("Mode");
        if (mode is not null)
        {
            if (mode is not ("ro" or "rw"))
            {
                reader.Diagnostics.Error(Messages.InvalidMountMode, item.Location, destination, mode);
                return null;
            }

            options.RemoveAll(o => o is "ro" or "rw");
            options.Add(mode);
        }

        return new MountValue(destination, type, source, options.Count > 0 ? options : null);
    }

    /// <summary>OciMaskedPath or OciReadonlyPath items: absolute paths, each once; the origin is the project's own first item (the defaults are not what the user wrote).</summary>
    public static ListSetting<string> ReadPaths(RequestReader reader, string itemType)
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

        var first = reader.Items(itemType).FirstOrDefault(i => !i.IsDefault);
        return new(paths, first is null ? null : Origin.Item(itemType, first));
    }
}
