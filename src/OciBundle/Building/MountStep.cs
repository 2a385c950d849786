using OciBundle.Diagnostics;
using OciBundle.Rootfs;
using OciBundle.Spec;

namespace OciBundle.Building;

/// <summary>
/// mounts from OciMount items (Include = destination; Source, Type, Options, Mode). A host
/// source with no type is a bind mount; a later item at the same destination replaces an earlier
/// one, so a project's mount replaces the default mount there.
/// </summary>
public static class MountStep
{
    public static void Apply(SpecContext context, RuntimeSpec spec)
    {
        var reader = context.Reader;
        var mounts = new List<Mount>();
        var duplicates = new DuplicateItems(reader, SurfaceNames.Mount);
        foreach (var item in reader.Items(SurfaceNames.Mount))
        {
            var destination = item.ItemSpec.Trim();
            context.Origins.Set(SpecPaths.Mount(destination), Origin.Item(SurfaceNames.Mount, item));
            if (!destination.StartsWith('/'))
            {
                reader.Diagnostics.Error(Messages.MountDestinationNotAbsolute, item.Location, destination);
                continue;
            }

            if (!RootfsPath.TryNormalizeWritten(destination, out var normalized, out var reason) || normalized.Length == 0)
            {
                reader.Diagnostics.Error(Messages.InvalidRootfsPath, item.Location, SurfaceNames.Mount, destination, reason ?? "it is the root itself");
                continue;
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
                continue;
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
                continue;
            }

            var mode = item.Get("Mode");
            if (mode is not null)
            {
                if (mode is not ("ro" or "rw"))
                {
                    reader.Diagnostics.Error(Messages.InvalidMountMode, item.Location, destination, mode);
                    continue;
                }

                options.RemoveAll(o => o is "ro" or "rw");
                options.Add(mode);
            }

            // A later item at the same destination takes the earlier one's place, so replacing
            // /dev keeps it before /dev/pts (a parent mounted later would cover its children).
            mounts.ReplaceOrAdd(m => m.Destination == destination, new Mount { Destination = destination, Type = type, Source = source, Options = options.Count > 0 ? options : null });
        }

        spec.Mounts = mounts;
    }
}
