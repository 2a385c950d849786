using System.Globalization;
using OciBundle.Diagnostics;
using OciBundle.Request;

namespace OciBundle.Settings;

/// <summary>An accepted OciDevice item: the device node as config.json lists it and the access the device cgroup allows.</summary>
public sealed record DeviceValue(string Path, string Type, long Major, long Minor, uint FileMode, uint Uid, uint Gid, string Access);

/// <summary>
/// Reads OciDevice items (Include = path; Type, Major, Minor, FileMode, Uid, Gid, Access) for
/// <see cref="IsolationSettings"/>; well-known devices need no numbers.
/// </summary>
public static class DeviceSettings
{
    private const uint DefaultFileMode = 0b110_110_110; // 0666, what runc and Docker use

    /// <summary>Every accepted item in order (a later one at the same path replaces the earlier device, but both allow theirs in the cgroup).</summary>
    public static List<Setting<DeviceValue>> Read(RequestReader reader)
    {
        var result = new List<Setting<DeviceValue>>();
        var duplicates = new DuplicateItems(reader, SurfaceNames.Device);
        foreach (var item in reader.Items(SurfaceNames.Device))
        {
            if (Read(reader, item) is { } device)
            {
                duplicates.Check(item, device.Path);
                result.Add(new(device, Origin.Item(SurfaceNames.Device, item)));
            }
        }

        return result;
    }

    private static DeviceValue? Read(RequestReader reader, RequestItem item)
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

        return new DeviceValue(path, type ?? "c", major ?? 0, minor ?? 0, fileMode ?? DefaultFileMode, uid ?? 0, gid ?? 0, access ?? "rwm");
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
