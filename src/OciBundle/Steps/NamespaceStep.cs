using OciBundle.Settings;
using OciBundle.Spec;

namespace OciBundle.Steps;

/// <summary>linux.namespaces from the OciNamespace items read into <see cref="IsolationSettings"/>; a later item of a type takes the earlier one's place.</summary>
public static class NamespaceStep
{
    public static void Apply(SpecContext context, RuntimeSpec spec)
    {
        var namespaces = new List<Namespace>();
        foreach (var (type, value, origin) in context.Settings.Isolation.Namespaces)
        {
            context.Origins.Set(SpecPaths.Namespace(type), origin);
            if (value is not null)
            {
                namespaces.ReplaceOrAdd(n => n.Type == type, new Namespace { Type = type, Path = value.Path });
            }
        }

        spec.Linux.Namespaces = namespaces;
    }
}
