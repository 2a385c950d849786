using System.Globalization;
using OciBundle.Diagnostics;
using OciBundle.Spec;

namespace OciBundle.Building;

/// <summary>
/// linux.devices from OciDevice items (Include = path; Type, Major, Minor, FileMode, Uid, Gid,
/// Access), each also allowed in the device cgroup; well-known devices need no numbers.
/// OciAllowAllDevices opens the device cgroup to every device.
/// </summary>
public static class DeviceStep
{
    private const uint DefaultFileMode = 0b110_110_110; // 0666, what runc and Docker use

    public static void Apply(SpecContext context, RuntimeSpec spec)
    {
        var reader = context.Reader;
        var devices = new List<Device>();
        var rules = spec.Linux.Resources?.Devices ?? [];
        var duplicates = new DuplicateItems(reader, SurfaceNames.Device);
        foreach (var item in reader.Items(SurfaceNames.Device))
        {
            if (Read(reader, item) is not { } device)
            {
                continue;
            }

            duplicates.Check(item, device.Path);

            devices.ReplaceOrAdd(d => d.Path == device.Path, device);
            if (device.Type != "p")
            {
                var access = item.Get("Access") ?? "rwm";
                rules.Add(new DeviceCgroupRule { Allow = true, Type = device.Type == "u" ? "c" : device.Type, Major = device.Major, Minor = device.Minor, Access = access });
            }
        }

        spec.Linux.Devices = devices.Count > 0 ? devices : null;
        if (reader.Bool(SurfaceNames.AllowAllDevices, false))
        {
            rules = [new DeviceCgroupRule { Allow = true, Access = "rwm" }];
        }

        spec.Linux.Resources ??= new Resources();
        spec.Linux.Resources.Devices = rules;
    }

    private static Device? Read(RequestReader reader, RequestItem item)
    {
        var path = item.ItemSpec.Trim();
        if (!path.StartsWith("/dev/", StringComparison.Ordinal) || path.Contains("/../", StringComparison.Ordinal) || path.EndsWith("/..", StringComparison.Ordinal))
        {
            reader.Diagnostics.Error(Messages.InvalidDevicePath, item.Location, path);
            return null;
        }

        var ok = true;
        var type = item.Get("Type");
        if (type is not null && type is not ("c" or "b" or "u" or "p"))
        {
            reader.Diagnostics.Error(Messages.InvalidDeviceType, item.Location, path, type);
            ok = false;
        }

        var access = item.Get("Access");
        if (access is not null && (access.Length == 0 || access.Any(c => c is not ('r' or 'w' or 'm')) || access.Distinct().Count() != access.Length))
        {
            reader.Diagnostics.Error(Messages.InvalidDeviceAccess, item.Location, path, access);
            ok = false;
        }

        ok &= TryNumber(reader, item, "Major", out var major) & TryNumber(reader, item, "Minor", out var minor);
        ok &= TryId(reader, item, "Uid", out var uid) & TryId(reader, item, "Gid", out var gid);
        uint? fileMode = null;
        if (item.Get("FileMode") is { } modeText)
        {
            if (RequestReader.TryParseMode(modeText, out var mode))
            {
                fileMode = (uint)mode;
            }
            else
            {
                reader.Diagnostics.Error(Messages.InvalidFileMode, item.Location, SurfaceNames.Device, path, modeText);
                ok = false;
            }
        }

        if (!ok)
        {
            return null;
        }

        if (major is null || minor is null)
        {
            if (type != "p" && !DeviceNumbers.NamedByPath.ContainsKey(path))
            {
                reader.Diagnostics.Error(Messages.UnknownDevice, item.Location, path, string.Join(", ", DeviceNumbers.NamedByPath.Keys));
                return null;
            }

            if (DeviceNumbers.NamedByPath.TryGetValue(path, out var known))
            {
                type ??= known.Type;
                major ??= known.Major;
                minor ??= known.Minor;
            }
        }

        return new Device
        {
            Path = path,
            Type = type ?? "c",
            Major = major ?? 0,
            Minor = minor ?? 0,
            FileMode = fileMode ?? DefaultFileMode,
            Uid = uid ?? 0,
            Gid = gid ?? 0,
        };
    }

    private static bool TryNumber(RequestReader reader, RequestItem item, string name, out long? value)
    {
        value = null;
        if (item.Get(name) is not { } text)
        {
            return true;
        }

        if (uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
        {
            value = parsed;
            return true;
        }

        reader.Diagnostics.Error(Messages.InvalidDeviceNumber, item.Location, item.ItemSpec, name, text);
        return false;
    }

    private static bool TryId(RequestReader reader, RequestItem item, string name, out uint? value)
    {
        value = null;
        if (item.Get(name) is not { } text)
        {
            return true;
        }

        if (RequestReader.TryParseId(text, out var parsed))
        {
            value = parsed;
            return true;
        }

        reader.Diagnostics.Error(Messages.InvalidOwnerId, item.Location, SurfaceNames.Device, item.ItemSpec, name, text);
        return false;
    }
}
