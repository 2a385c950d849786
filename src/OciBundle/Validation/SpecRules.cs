using OciBundle.Building;
using OciBundle.Diagnostics;
using OciBundle.Spec;

namespace OciBundle.Validation;

/// <summary>
/// Rules over the assembled spec (OCIB2xxx), one method per concern, each reporting what is wrong
/// and pointing at the property or item the user can change.
/// </summary>
public static class SpecRules
{
    public static void Check(RuntimeSpec spec, RequestReader reader)
    {
        CheckArgs(spec, reader);
        CheckHostname(spec, reader);
        CheckUserNamespace(spec, reader);
    }

    /// <summary>Mappings need a user namespace to apply to, and runc refuses a user namespace without them.</summary>
    private static void CheckUserNamespace(RuntimeSpec spec, RequestReader reader)
    {
        var userNamespace = spec.Linux.Namespaces.FirstOrDefault(n => n.Type == "user");
        if (userNamespace is null)
        {
            foreach (var (mappings, itemType) in new[] { (spec.Linux.UidMappings, SurfaceNames.UidMapping), (spec.Linux.GidMappings, SurfaceNames.GidMapping) })
            {
                if (mappings is not null)
                {
                    reader.Diagnostics.Error(Messages.MappingsWithoutUserNamespace, reader.Items(itemType)[0].Location, itemType);
                }
            }

            return;
        }

        // Joining an existing user namespace (Path) brings its own mappings.
        if (userNamespace.Path is null)
        {
            foreach (var (mappings, itemType) in new[] { (spec.Linux.UidMappings, SurfaceNames.UidMapping), (spec.Linux.GidMappings, SurfaceNames.GidMapping) })
            {
                if (mappings is null)
                {
                    reader.Diagnostics.Error(Messages.UserNamespaceWithoutMappings, reader.Locate(SurfaceNames.UserNamespace), itemType);
                }
            }
        }
    }

    /// <summary>runc sets the hostname only inside a uts namespace of the container's own.</summary>
    private static void CheckHostname(RuntimeSpec spec, RequestReader reader)
    {
        if (spec.Hostname is not null && !spec.Linux.Namespaces.Any(n => n.Type == "uts"))
        {
            reader.Diagnostics.Error(Messages.HostnameWithoutUtsNamespace, reader.Locate(SurfaceNames.Hostname), spec.Hostname);
        }
    }

    private static void CheckArgs(RuntimeSpec spec, RequestReader reader)
    {
        if (spec.Process.Args.Count == 0)
        {
            reader.Diagnostics.Error(Messages.ArgsEmpty, reader.Request.LocateProperty(SurfaceNames.Entrypoint));
        }
    }
}
