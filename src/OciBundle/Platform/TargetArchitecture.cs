using System.Runtime.InteropServices;
using OciBundle.Request;
using OciBundle.Seccomp;

namespace OciBundle.Platform;

/// <summary>
/// The CPU architecture the container runs on: its name in Docker's (Go's) spelling, the
/// seccomp architectures a filter must cover there (the native one first), and the ELF machine
/// number of its executables.
/// </summary>
public sealed record TargetArchitecture(string Name, IReadOnlyList<string> SeccompArchitectures, int ElfMachine)
{
    public static readonly TargetArchitecture Amd64 = new("amd64", ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"], 62);
    public static readonly TargetArchitecture Arm64 = new("arm64", ["SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM"], 183);
    public static readonly TargetArchitecture I386 = new("386", ["SCMP_ARCH_X86"], 3);
    public static readonly TargetArchitecture Arm = new("arm", ["SCMP_ARCH_ARM"], 40);
    public static readonly TargetArchitecture Ppc64le = new("ppc64le", ["SCMP_ARCH_PPC64LE"], 21);
    public static readonly TargetArchitecture S390x = new("s390x", ["SCMP_ARCH_S390X", "SCMP_ARCH_S390"], 22);
    public static readonly TargetArchitecture Riscv64 = new("riscv64", ["SCMP_ARCH_RISCV64"], 243);

    public static readonly IReadOnlyList<TargetArchitecture> All = [Amd64, Arm64, I386, Arm, Ppc64le, S390x, Riscv64];

    // Other spellings people and tools use: .NET's RID and Architecture names, uname -m.
    private static readonly Dictionary<string, TargetArchitecture> Aliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["x64"] = Amd64,
        ["x86_64"] = Amd64,
        ["aarch64"] = Arm64,
        ["x86"] = I386,
        ["i386"] = I386,
        ["i686"] = I386,
        ["armhf"] = Arm,
        ["armel"] = Arm,
        ["armv6"] = Arm,
        ["armv7"] = Arm,
        ["armv7l"] = Arm,
    };

    /// <summary>The seccomp architecture the kernel reports for the target's own system calls.</summary>
    public string NativeSeccompArchitecture => SeccompArchitectures[0];

    /// <summary>
    /// Names a profile's <c>arches</c> condition may use for this target. Docker compares Go's
    /// name (386), while its profile writes x86 for the same thing, so both count.
    /// </summary>
    public IReadOnlyList<string> ProfileNames => this == I386 ? ["386", "x86"] : [Name];

    /// <summary>The target as the seccomp renderer reads it.</summary>
    public SeccompTarget SeccompTarget => new(SeccompArchitectures, ProfileNames);

    public static bool TryParse(string text, out TargetArchitecture architecture)
    {
        var trimmed = text.Trim();
        architecture = All.FirstOrDefault(a => a.Name.Equals(trimmed, StringComparison.OrdinalIgnoreCase))
            ?? Aliases.GetValueOrDefault(trimmed)!;
        return architecture is not null;
    }

    /// <summary>
    /// The architecture part of a .NET runtime identifier (linux-x64, linux-musl-arm64,
    /// ubuntu.22.04-arm): what follows the last '-'. False when it names none we know.
    /// </summary>
    public static bool TryFromRuntimeIdentifier(string runtimeIdentifier, out TargetArchitecture architecture)
    {
        var dash = runtimeIdentifier.LastIndexOf('-');
        return TryParse(dash < 0 ? runtimeIdentifier : runtimeIdentifier[(dash + 1)..], out architecture);
    }

    /// <summary>The build machine's architecture; amd64 for one we have no data for (such as wasm).</summary>
    public static TargetArchitecture FromHost(Architecture host) =>
        TryParse(host.ToString(), out var architecture) ? architecture : Amd64;

    /// <summary>
    /// The variant an OCI image platform gives this architecture (arm64: v8; arm: v7, or v6 and v5
    /// when <paramref name="writtenName"/> says armv6, armel or armv5; others none), as image
    /// indexes and configs write it, so reading and writing images agree.
    /// </summary>
    public string? PlatformVariant(string? writtenName = null)
    {
        if (this == Arm)
        {
            var text = (writtenName ?? "").Trim().ToLowerInvariant();
            return text is "armv6" or "armel" ? "v6" : text == "armv5" ? "v5" : "v7";
        }

        return this == Arm64 ? "v8" : null;
    }

    /// <summary>MSBuild's RuntimeIdentifier, passed to the task; not one of our own names, so not in SurfaceNames.</summary>
    public const string RuntimeIdentifierProperty = PlumbingNames.RuntimeIdentifier;

    public static string AcceptedNames => string.Join(", ", All.Select(a => a.Name));

    public override string ToString() => Name;
}
