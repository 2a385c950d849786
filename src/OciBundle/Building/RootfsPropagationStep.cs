using OciBundle.Diagnostics;
using OciBundle.Spec;

namespace OciBundle.Building;

/// <summary>linux.rootfsPropagation from OciRootfsPropagation.</summary>
public static class RootfsPropagationStep
{
    public static readonly IReadOnlyList<string> Values = ["private", "shared", "slave", "unbindable"];

    public static void Apply(SpecContext context, RuntimeSpec spec)
    {
        var reader = context.Reader;
        var given = reader.String(SurfaceNames.RootfsPropagation);
        if (given is null)
        {
            return;
        }

        // Any case is accepted, as for namespace types; the schema's enum is lower case.
        var text = given.ToLowerInvariant();

        if (Values.Contains(text))
        {
            spec.Linux.RootfsPropagation = text;
            return;
        }

        // runc and Docker take rshared and friends, but the spec's schema does not, so a
        // validating runtime (or a later runc) would refuse the bundle: point at the plain value.
        if (text.StartsWith('r') && Values.Contains(text[1..]))
        {
            reader.Diagnostics.Error(Messages.RecursiveRootfsPropagation, reader.Locate(SurfaceNames.RootfsPropagation), given, text[1..]);
            return;
        }

        reader.Diagnostics.Error(Messages.UnknownRootfsPropagation, reader.Locate(SurfaceNames.RootfsPropagation), given);
    }
}
