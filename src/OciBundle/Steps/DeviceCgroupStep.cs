using OciBundle.Settings;
using OciBundle.Spec;

namespace OciBundle.Steps;

/// <summary>
/// linux.resources.devices: deny every device, then allow the standard character devices a
/// process expects (<see cref="DeviceNumbers.AllowedByDefault"/>).
/// </summary>
public static class DeviceCgroupStep
{
    public static void Apply(SpecContext context, RuntimeSpec spec)
    {
        var rules = new List<DeviceCgroupRule> { new() { Allow = false, Access = "rwm" } };
        foreach (var (major, minor) in DeviceNumbers.AllowedByDefault)
        {
            rules.Add(new DeviceCgroupRule { Allow = true, Type = "c", Major = major, Minor = minor, Access = "rwm" });
        }

        spec.Linux.Resources ??= new Resources();
        spec.Linux.Resources.Devices = rules;
    }
}
