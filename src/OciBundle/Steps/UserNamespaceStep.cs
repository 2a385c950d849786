using OciBundle.Settings;
using OciBundle.Spec;

namespace OciBundle.Steps;

/// <summary>
/// OciUserNamespace with the OciUidMapping and OciGidMapping items read into
/// <see cref="IsolationSettings"/> → a user namespace and linux.uidMappings/gidMappings.
/// </summary>
public static class UserNamespaceStep
{
    public static void Apply(SpecContext context, RuntimeSpec spec)
    {
        var isolation = context.Settings.Isolation;
        spec.Linux.UidMappings = Apply(context, SpecPaths.UidMappings, isolation.UidMappings);
        spec.Linux.GidMappings = Apply(context, SpecPaths.GidMappings, isolation.GidMappings);

        context.Origins.Set(SpecPaths.UserNamespaceSwitch, isolation.UserNamespace.Origin);
        if (isolation.UserNamespace.Value && !spec.Linux.Namespaces.Any(n => n.Type == "user"))
        {
            spec.Linux.Namespaces.Add(new Namespace { Type = "user" });
        }
    }

    private static List<IdMapping>? Apply(SpecContext context, string path, ListSetting<IdMappingValue> mappings)
    {
        if (mappings.Origin is { } origin)
        {
            context.Origins.Set(path, origin);
        }

        return mappings.Values.Count > 0
            ? [.. mappings.Values.Select(m => new IdMapping { ContainerID = m.ContainerId, HostID = m.HostId, Size = m.Size })]
            : null;
    }
}
