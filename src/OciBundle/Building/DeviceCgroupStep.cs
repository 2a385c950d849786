using OciBundle.Spec;

namespace OciBundle.Building;

/// <summary>
/// linux.resources.devices: deny every device, then allow the standard character devices a
/// process expects (what Docker and runc allow by default, without the extras such as tun).
/// </summary>
public static class DeviceCgroupStep
{
    private static readonly (long Major, long? Minor, string Name)[] Standard =
    [
        (1, 3, "null"), (1, 5, "zero"), (1, 7, "full"), (1, 8, "random"), (1, 9, "urandom"),
        (5, 0, "tty"), (5, 1, "console"), (5, 2, "ptmx"), (136, null, "pts"),
    ];

    public static void Apply(RequestReader reader, RuntimeSpec spec)
    {
        var rules = new List<DeviceCgroupRule> { new() { Allow = false, Access = "rwm" } };
        foreach (var (major, minor, _) in Standard)
        {
            rules.Add(new DeviceCgroupRule { Allow = true, Type = "c", Major = major, Minor = minor, Access = "rwm" });
        }

        spec.Linux.Resources ??= new Resources();
        spec.Linux.Resources.Devices = rules;
    }
}
