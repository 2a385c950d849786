using System.Text.Json;
using System.Text.Json.Serialization;

namespace OciBundle.Seccomp;

// A seccomp profile file as written: either the OCI linux.seccomp object, or Docker's template
// (archMap, and rules with includes/excludes conditions). One shape reads both; fields the file
// has that neither form knows land in Unknown and are reported, so a misspelt field is not
// silently dropped from a security policy.

public sealed class SeccompProfileDocument
{
    public string? DefaultAction { get; set; }

    public uint? DefaultErrnoRet { get; set; }

    public List<string>? Flags { get; set; }

    public string? ListenerPath { get; set; }

    public string? ListenerMetadata { get; set; }

    public List<string>? Architectures { get; set; }

    public List<ProfileArchMapEntry>? ArchMap { get; set; }

    public List<ProfileSyscall>? Syscalls { get; set; }

    public string? Comment { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unknown { get; set; }

    /// <summary>Docker's form: it must be rendered for an architecture and a capability set.</summary>
    [JsonIgnore]
    public bool IsTemplate => ArchMap is not null || (Syscalls?.Any(s => s.Includes is not null || s.Excludes is not null) ?? false);
}

public sealed class ProfileArchMapEntry
{
    public string? Architecture { get; set; }

    public List<string>? SubArchitectures { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unknown { get; set; }
}

public sealed class ProfileSyscall
{
    public List<string>? Names { get; set; }

    public string? Action { get; set; }

    public uint? ErrnoRet { get; set; }

    public List<ProfileArg>? Args { get; set; }

    public string? Comment { get; set; }

    public ProfileCondition? Includes { get; set; }

    public ProfileCondition? Excludes { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unknown { get; set; }
}

public sealed class ProfileArg
{
    public uint Index { get; set; }

    public ulong Value { get; set; }

    public ulong? ValueTwo { get; set; }

    public string? Op { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unknown { get; set; }
}

/// <summary>A Docker rule condition: capabilities, architectures (Go's names: amd64, arm64, …) and a kernel version.</summary>
public sealed class ProfileCondition
{
    public List<string>? Caps { get; set; }

    public List<string>? Arches { get; set; }

    public string? MinKernel { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unknown { get; set; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(SeccompProfileDocument))]
internal sealed partial class SeccompProfileJsonContext : JsonSerializerContext;
