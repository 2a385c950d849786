using OciBundle.Settings;
using OciBundle.Spec;

namespace OciBundle.Steps;

/// <summary>
/// linux.devices from the OciDevice items read into <see cref="IsolationSettings"/>, each also
/// allowed in the device cgroup (a fifo needs no rule). OciAllowAllDevices opens the device cgroup
/// to every device.
/// </summary>
public static class DeviceStep
{
    public static void Apply(SpecContext context, RuntimeSpec spec)
    {
        var isolation = context.Settings.Isolation;
        var devices = new List<Device>();
        var rules = spec.Linux.Resources?.Devices ?? [];
        foreach (var (device, _) in isolation.Devices)
        {
            devices.ReplaceOrAdd(d => d.Path == device.Path, new Device
            {
                Path = device.Path,
                Type = device.Type,
                Major = device.Major,
                Minor = device.Minor,
                FileMode = device.FileMode,
                Uid = device.Uid,
                Gid = device.Gid,
            });
            if (device.Type != "p")
            {
                rules.Add(new DeviceCgroupRule { Allow = true, Type = device.Type == "u" ? "c" : device.Type, Major = device.Major, Minor = device.Minor, Access = device.Access });
            }
        }

        spec.Linux.Devices = devices.Count > 0 ? devices : null;
        if (isolation.AllowAllDevices.Value)
        {
            rules = [new DeviceCgroupRule { Allow = true, Access = "rwm" }];
        }

        spec.Linux.Resources ??= new Resources();
        spec.Linux.Resources.Devices = rules;
    }
}
