using OciBundle.Settings;
namespace OciBundle.Steps;

/// <summary>
/// Which setting produced each part of the spec, recorded by the steps as they write it, so the
/// rules over the whole spec can point at the property or item to change without reading the
/// request again. Keys are the config.json paths the steps write (see <see cref="SpecPaths"/>).
/// </summary>
public sealed class SpecOrigins
{
    private readonly Dictionary<string, Origin> _paths = new(StringComparer.Ordinal);
    private readonly HashSet<string> _refused = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, Origin> Paths => _paths;

    /// <summary>Records (or replaces: the last writer wins, as in the spec) where a path's value came from.</summary>
    public void Set(string path, Origin origin) => _paths[path] = origin;

    public Origin? Of(string path) => _paths.GetValueOrDefault(path);

    /// <summary>A setting that was given but refused (already reported): rules add no second error about it.</summary>
    public void Refuse(string name) => _refused.Add(name);

    public bool WasRefused(string name) => _refused.Contains(name);
}

/// <summary>The keys of <see cref="SpecOrigins"/>: config.json paths, with a list entry named by its key.</summary>
public static class SpecPaths
{
    public const string MemoryLimit = "linux.resources.memory.limit";
    public const string MemoryReservation = "linux.resources.memory.reservation";
    public const string MemorySwap = "linux.resources.memory.swap";
    public const string CpuShares = "linux.resources.cpu.shares";
    public const string CpuQuota = "linux.resources.cpu.quota";
    public const string CpuPeriod = "linux.resources.cpu.period";
    public const string CpusetCpus = "linux.resources.cpu.cpus";
    public const string CpusetMems = "linux.resources.cpu.mems";
    public const string PidsLimit = "linux.resources.pids.limit";
    public const string BlockIOWeight = "linux.resources.blockIO.weight";
    /// <summary>Set by the privileged step: the spec's capabilities, paths, seccomp and devices are OciPrivileged's.</summary>
    public const string Privileged = "(OciPrivileged)";
    public const string OciVersion = "ociVersion";
    public const string Args = "process.args";
    public const string Hostname = "hostname";
    public const string Ambient = "process.capabilities.ambient";
    public const string MaskedPaths = "linux.maskedPaths";
    public const string ReadonlyPaths = "linux.readonlyPaths";
    public const string UidMappings = "linux.uidMappings";
    public const string GidMappings = "linux.gidMappings";

    /// <summary>OciUserNamespace, which the mapping rules point at however the user namespace was asked for.</summary>
    public const string UserNamespaceSwitch = "linux.namespaces[user] (OciUserNamespace)";

    /// <summary>A mount by its destination as the item wrote it (trimmed).</summary>
    public static string Mount(string destination) => $"mounts[{destination}]";

    /// <summary>A granted capability by its canonical name.</summary>
    public static string Capability(string name) => $"process.capabilities[{name}]";

    public static string Sysctl(string key) => $"linux.sysctl[{key}]";

    public static string Namespace(string type) => $"linux.namespaces[{type}]";
}
