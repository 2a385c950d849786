using OciBundle.Diagnostics;
using OciBundle.Spec;

namespace OciBundle.Building;

/// <summary>
/// OciUserNamespace with OciUidMapping and OciGidMapping items (Include or ContainerID, HostID,
/// Size) → a user namespace and linux.uidMappings/gidMappings.
/// </summary>
public static class UserNamespaceStep
{
    public static void Apply(SpecContext context, RuntimeSpec spec)
    {
        var reader = context.Reader;
        var uids = ReadMappings(reader, SurfaceNames.UidMapping);
        var gids = ReadMappings(reader, SurfaceNames.GidMapping);
        spec.Linux.UidMappings = uids.Count > 0 ? uids : null;
        spec.Linux.GidMappings = gids.Count > 0 ? gids : null;
        foreach (var (path, itemType) in new[] { (SpecPaths.UidMappings, SurfaceNames.UidMapping), (SpecPaths.GidMappings, SurfaceNames.GidMapping) })
        {
            var items = reader.Items(itemType);
            if (items.Count > 0)
            {
                context.Origins.Set(path, Origin.Item(itemType, items[0]));
            }
        }

        context.Origins.Set(SpecPaths.UserNamespaceSwitch, Origin.Property(reader, SurfaceNames.UserNamespace));
        if (reader.Bool(SurfaceNames.UserNamespace, false) && !spec.Linux.Namespaces.Any(n => n.Type == "user"))
        {
            spec.Linux.Namespaces.Add(new Namespace { Type = "user" });
        }
    }

    private static List<IdMapping> ReadMappings(RequestReader reader, string itemType)
    {
        var result = new List<IdMapping>();
        foreach (var item in reader.Items(itemType))
        {
            var containerText = item.Get("ContainerID") ?? item.ItemSpec;
            if (TryRead(reader, item, itemType, "ContainerID", containerText, out var containerId)
                & TryRead(reader, item, itemType, "HostID", item.Get("HostID"), out var hostId)
                & TryRead(reader, item, itemType, "Size", item.Get("Size"), out var size))
            {
                result.Add(new IdMapping { ContainerID = containerId, HostID = hostId, Size = size });
            }
        }

        return result;
    }

    private static bool TryRead(RequestReader reader, RequestItem item, string itemType, string name, string? text, out uint value)
    {
        value = 0;
        if (text is not null && RequestReader.TryParseId(text, out value) && (name != "Size" || value > 0))
        {
            return true;
        }

        reader.Diagnostics.Error(Messages.InvalidIdMapping, item.Location, itemType, item.ItemSpec, name, text ?? "");
        return false;
    }
}
