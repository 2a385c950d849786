using System.Text.Json.Serialization;

namespace OciBundle.Spec;

// The OCI runtime-spec config.json object model (the parts a Linux bundle uses). Property order
// here is the order written, so config.json is stable. Names follow the spec's JSON exactly.

public sealed class RuntimeSpec
{
    /// <summary>
    /// The runtime-spec version when OciSpecVersion is not set: the seccomp profile's errnoRet
    /// needs 1.1.0; runc 1.1.5 and crun 1.8.1 accept it, crun 1.8.1 refuses 1.2.0 and later. The
    /// targets' default, OCIB1026 and OCIB2010 say the same (a unit test keeps them so).
    /// </summary>
    public const string DefaultVersion = "1.1.0";

    public string OciVersion { get; set; } = DefaultVersion;

    public Process Process { get; set; } = new();

    public Root Root { get; set; } = new();

    public string? Hostname { get; set; }

    public List<Mount> Mounts { get; set; } = [];

    public Hooks? Hooks { get; set; }

    public SortedDictionary<string, string>? Annotations { get; set; }

    public Linux Linux { get; set; } = new();
}

public sealed class Process
{
    public bool Terminal { get; set; }

    public User User { get; set; } = new();

    public List<string> Args { get; set; } = [];

    public List<string> Env { get; set; } = [];

    public string Cwd { get; set; } = "/";

    public Capabilities? Capabilities { get; set; }

    public List<Rlimit>? Rlimits { get; set; }

    public bool NoNewPrivileges { get; set; }

    public string? ApparmorProfile { get; set; }

    public int? OomScoreAdj { get; set; }

    public string? SelinuxLabel { get; set; }
}

public sealed class User
{
    public uint Uid { get; set; }

    public uint Gid { get; set; }

    public uint? Umask { get; set; }

    public List<uint>? AdditionalGids { get; set; }
}

public sealed class Capabilities
{
    public List<string> Bounding { get; set; } = [];

    public List<string> Effective { get; set; } = [];

    public List<string>? Inheritable { get; set; }

    public List<string> Permitted { get; set; } = [];

    public List<string>? Ambient { get; set; }
}

public sealed class Rlimit
{
    public string Type { get; set; } = "";

    public ulong Hard { get; set; }

    public ulong Soft { get; set; }
}

public sealed class Root
{
    public string Path { get; set; } = "rootfs";

    public bool Readonly { get; set; }
}

public sealed class Mount
{
    public string Destination { get; set; } = "";

    public string? Type { get; set; }

    public string? Source { get; set; }

    public List<string>? Options { get; set; }
}

public sealed class Hooks
{
    public List<Hook>? Prestart { get; set; }

    public List<Hook>? CreateRuntime { get; set; }

    public List<Hook>? CreateContainer { get; set; }

    public List<Hook>? StartContainer { get; set; }

    public List<Hook>? Poststart { get; set; }

    public List<Hook>? Poststop { get; set; }
}

public sealed class Hook
{
    public string Path { get; set; } = "";

    public List<string>? Args { get; set; }

    public List<string>? Env { get; set; }

    public int? Timeout { get; set; }
}

public sealed class Linux
{
    public List<IdMapping>? UidMappings { get; set; }

    public List<IdMapping>? GidMappings { get; set; }

    public SortedDictionary<string, string>? Sysctl { get; set; }

    public Resources? Resources { get; set; }

    public List<Namespace> Namespaces { get; set; } = [];

    public List<Device>? Devices { get; set; }

    public Seccomp? Seccomp { get; set; }

    public string? RootfsPropagation { get; set; }

    public List<string>? MaskedPaths { get; set; }

    public List<string>? ReadonlyPaths { get; set; }

    public string? MountLabel { get; set; }
}

public sealed class IdMapping
{
    public uint ContainerID { get; set; }

    public uint HostID { get; set; }

    public uint Size { get; set; }
}

public sealed class Namespace
{
    public string Type { get; set; } = "";

    public string? Path { get; set; }
}

public sealed class Device
{
    public string Path { get; set; } = "";

    public string Type { get; set; } = "c";

    public long Major { get; set; }

    public long Minor { get; set; }

    public uint? FileMode { get; set; }

    public uint? Uid { get; set; }

    public uint? Gid { get; set; }
}

public sealed class Resources
{
    public List<DeviceCgroupRule>? Devices { get; set; }

    public MemoryResources? Memory { get; set; }

    public CpuResources? Cpu { get; set; }

    public PidsResources? Pids { get; set; }

    public BlockIOResources? BlockIO { get; set; }
}

public sealed class DeviceCgroupRule
{
    public bool Allow { get; set; }

    public string? Type { get; set; }

    public long? Major { get; set; }

    public long? Minor { get; set; }

    public string? Access { get; set; }
}

public sealed class MemoryResources
{
    public long? Limit { get; set; }

    public long? Reservation { get; set; }

    public long? Swap { get; set; }
}

public sealed class CpuResources
{
    public ulong? Shares { get; set; }

    public long? Quota { get; set; }

    public ulong? Period { get; set; }

    public string? Cpus { get; set; }

    public string? Mems { get; set; }
}

public sealed class PidsResources
{
    public long Limit { get; set; }
}

public sealed class BlockIOResources
{
    public ushort? Weight { get; set; }
}

public sealed class Seccomp
{
    public string DefaultAction { get; set; } = "SCMP_ACT_ERRNO";

    public uint? DefaultErrnoRet { get; set; }

    public List<string>? Architectures { get; set; }

    public List<string>? Flags { get; set; }

    public string? ListenerPath { get; set; }

    public string? ListenerMetadata { get; set; }

    public List<SeccompSyscall>? Syscalls { get; set; }
}

public sealed class SeccompSyscall
{
    public List<string> Names { get; set; } = [];

    public string Action { get; set; } = "";

    public uint? ErrnoRet { get; set; }

    public List<SeccompArg>? Args { get; set; }
}

public sealed class SeccompArg
{
    public uint Index { get; set; }

    public ulong Value { get; set; }

    public ulong? ValueTwo { get; set; }

    public string Op { get; set; } = "";
}
