using OciBundle.Spec;

namespace OciBundle.Building;

/// <summary>ociVersion, root and hostname.</summary>
public static class GeneralStep
{
    public const string DefaultSpecVersion = "1.0.2"; // crun 1.8 refuses anything newer than 1.1

    public static void Apply(RequestReader reader, RuntimeSpec spec)
    {
        spec.OciVersion = reader.String(SurfaceNames.SpecVersion) ?? DefaultSpecVersion;
        spec.Root = new Root { Path = "rootfs", Readonly = reader.Bool(SurfaceNames.RootfsReadonly, false) };

        var hostname = reader.String(SurfaceNames.Hostname) ?? reader.String(SurfaceNames.BundleName);
        if (hostname is not null && !IsValidHostname(hostname))
        {
            reader.Diagnostics.Error(Diagnostics.Messages.InvalidHostname, reader.Locate(SurfaceNames.Hostname), hostname);
        }

        spec.Hostname = hostname;
    }

    /// <summary>What sethostname(2) takes and resolvers expect: 1 to 64 bytes of letters, digits, '-', '.', '_'.</summary>
    public static bool IsValidHostname(string name) =>
        name.Length is > 0 and <= 64 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_');
}
