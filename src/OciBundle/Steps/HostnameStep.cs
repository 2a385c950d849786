using OciBundle.Settings;
using OciBundle.Spec;

namespace OciBundle.Steps;

/// <summary>
/// hostname from <see cref="IsolationSettings"/>: OciHostname, else OciBundleName when the
/// container has its own uts namespace (the settings stage decides, from the namespace items).
/// </summary>
public static class HostnameStep
{
    public static void Apply(SpecContext context, RuntimeSpec spec)
    {
        var hostname = context.Settings.Isolation.Hostname;
        spec.Hostname = hostname?.Value;
        if (hostname is not null)
        {
            context.Origins.Set(SpecPaths.Hostname, hostname.Origin);
        }
    }

    /// <summary>What sethostname(2) takes and resolvers expect: 1 to 64 bytes of letters, digits, '-', '.', '_'.</summary>
    public static bool IsValidHostname(string name) =>
        name.Length is > 0 and <= 64 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_');
}
