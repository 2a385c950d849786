using OciBundle.Diagnostics;
using OciBundle.Spec;

namespace OciBundle.Building;

/// <summary>
/// hostname: OciHostname, else OciBundleName when the container has its own uts namespace
/// (without one runc cannot set a hostname, so a default must not ask for it).
/// </summary>
public static class HostnameStep
{
    public static void Apply(SpecContext context, RuntimeSpec spec)
    {
        var reader = context.Reader;
        var hostname = reader.String(SurfaceNames.Hostname);
        if (hostname is null && spec.Linux.Namespaces.Any(n => n.Type == "uts"))
        {
            hostname = reader.String(SurfaceNames.BundleName);
        }

        if (hostname is not null && !IsValidHostname(hostname))
        {
            reader.Diagnostics.Error(Messages.InvalidHostname, reader.Locate(SurfaceNames.Hostname), hostname);
        }

        spec.Hostname = hostname;
        if (hostname is not null)
        {
            // OciHostname is what the user changes, also when the bundle name gave the default.
            context.Origins.Set(SpecPaths.Hostname, Origin.Property(reader, SurfaceNames.Hostname));
        }
    }

    /// <summary>What sethostname(2) takes and resolvers expect: 1 to 64 bytes of letters, digits, '-', '.', '_'.</summary>
    public static bool IsValidHostname(string name) =>
        name.Length is > 0 and <= 64 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_');
}
