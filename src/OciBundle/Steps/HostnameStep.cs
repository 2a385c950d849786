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
}
