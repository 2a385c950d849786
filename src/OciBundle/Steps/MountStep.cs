using OciBundle.Settings;
using OciBundle.Spec;

namespace OciBundle.Steps;

/// <summary>
/// mounts from the OciMount items read into <see cref="IsolationSettings"/>. A later item at the
/// same destination replaces an earlier one, so a project's mount replaces the default mount there.
/// </summary>
public static class MountStep
{
    public static void Apply(SpecContext context, RuntimeSpec spec)
    {
        var mounts = new List<Mount>();
        foreach (var (destination, mount, origin) in context.Settings.Isolation.Mounts)
        {
            context.Origins.Set(SpecPaths.Mount(destination), origin);
            if (mount is null)
            {
                continue;
            }

            // A later item at the same destination takes the earlier one's place, so replacing
            // /dev keeps it before /dev/pts (a parent mounted later would cover its children).
            mounts.ReplaceOrAdd(m => m.Destination == destination, new Mount { Destination = destination, Type = mount.Type, Source = mount.Source, Options = mount.Options is { } options ? [.. options] : null });
        }

        spec.Mounts = mounts;
    }
}
