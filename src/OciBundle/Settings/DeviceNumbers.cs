namespace OciBundle.Settings;

/// <summary>
/// The one table of character devices the SDK knows by number (the kernel's devices.txt): those
/// the device cgroup allows by default (what Docker and runc allow, without extras such as tun)
/// and those a project may name by path alone in OciDevice. Two lists drifted apart before.
/// </summary>
public static class DeviceNumbers
{
    /// <summary>In the order the default cgroup rules are written (config.json keeps it).</summary>
    private static readonly Known[] All =
    [
        new("/dev/null", 1, 3, AllowedByDefault: true, NamedByPath: true),
        new("/dev/zero", 1, 5, AllowedByDefault: true, NamedByPath: true),
        new("/dev/full", 1, 7, AllowedByDefault: true, NamedByPath: true),
        new("/dev/random", 1, 8, AllowedByDefault: true, NamedByPath: true),
        new("/dev/urandom", 1, 9, AllowedByDefault: true, NamedByPath: true),
        new("/dev/tty", 5, 0, AllowedByDefault: true, NamedByPath: true),
        new("/dev/console", 5, 1, AllowedByDefault: true, NamedByPath: false),
        new("/dev/ptmx", 5, 2, AllowedByDefault: true, NamedByPath: true),
        new("/dev/pts/*", 136, null, AllowedByDefault: true, NamedByPath: false),
        new("/dev/hwrng", 10, 183, AllowedByDefault: false, NamedByPath: true),
        new("/dev/net/tun", 10, 200, AllowedByDefault: false, NamedByPath: true),
        new("/dev/fuse", 10, 229, AllowedByDefault: false, NamedByPath: true),
        new("/dev/kvm", 10, 232, AllowedByDefault: false, NamedByPath: true),
        new("/dev/loop-control", 10, 237, AllowedByDefault: false, NamedByPath: true),
        new("/dev/vhost-net", 10, 238, AllowedByDefault: false, NamedByPath: true),
        new("/dev/vhost-vsock", 10, 241, AllowedByDefault: false, NamedByPath: true),
    ];

    /// <summary>The character devices the device cgroup allows by default: major, and minor (null: all minors).</summary>
    public static IEnumerable<(long Major, long? Minor)> AllowedByDefault =>
        All.Where(d => d.AllowedByDefault).Select(d => (d.Major, d.Minor));

    /// <summary>Devices a project may name by path alone: type, major, minor.</summary>
    public static readonly IReadOnlyDictionary<string, (string Type, long Major, long Minor)> NamedByPath =
        new SortedDictionary<string, (string, long, long)>(
            All.Where(d => d.NamedByPath).ToDictionary(d => d.Path, d => ("c", d.Major, d.Minor!.Value), StringComparer.Ordinal),
            StringComparer.Ordinal);

    private sealed record Known(string Path, long Major, long? Minor, bool AllowedByDefault, bool NamedByPath);
}
