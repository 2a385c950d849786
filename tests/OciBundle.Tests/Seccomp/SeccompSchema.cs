using System.Text.Json.Nodes;

namespace OciBundle.Tests.Seccomp;

/// <summary>
/// The linux.seccomp part of the runtime-spec's JSON schema (config-linux.json and
/// defs-linux.json, v1.2), copied here so the unit tests do not need the schema files: the
/// enums and the fields each object may have. Kept apart from the product's own lists on
/// purpose, so a typo there is caught here.
/// </summary>
internal static class SeccompSchema
{
    public static readonly string[] Actions =
    [
        "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP", "SCMP_ACT_ERRNO",
        "SCMP_ACT_TRACE", "SCMP_ACT_ALLOW", "SCMP_ACT_LOG", "SCMP_ACT_NOTIFY",
    ];

    public static readonly string[] Architectures =
    [
        "SCMP_ARCH_X86", "SCMP_ARCH_X86_64", "SCMP_ARCH_X32", "SCMP_ARCH_ARM", "SCMP_ARCH_AARCH64",
        "SCMP_ARCH_LOONGARCH64", "SCMP_ARCH_M68K", "SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64", "SCMP_ARCH_MIPS64N32",
        "SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC", "SCMP_ARCH_PPC64",
        "SCMP_ARCH_PPC64LE", "SCMP_ARCH_S390", "SCMP_ARCH_S390X", "SCMP_ARCH_SH", "SCMP_ARCH_SHEB",
        "SCMP_ARCH_PARISC", "SCMP_ARCH_PARISC64", "SCMP_ARCH_RISCV64",
    ];

    public static readonly string[] Operators =
    [
        "SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ",
    ];

    public static readonly string[] Flags =
    [
        "SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
        "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
    ];

    private static readonly string[] SeccompFields = ["defaultAction", "defaultErrnoRet", "flags", "listenerPath", "listenerMetadata", "architectures", "syscalls"];
    private static readonly string[] SyscallFields = ["names", "action", "errnoRet", "args"];
    private static readonly string[] ArgFields = ["index", "value", "valueTwo", "op"];

    /// <summary>Every way <paramref name="seccomp"/> (linux.seccomp as written to config.json) breaks the schema; empty when it keeps it.</summary>
    public static List<string> Violations(JsonObject seccomp)
    {
        var problems = new List<string>();
        void Fields(JsonObject o, string where, string[] allowed, params string[] required)
        {
            problems.AddRange(o.Select(p => p.Key).Where(k => !allowed.Contains(k)).Select(k => $"{where}: field {k} is not in the schema"));
            problems.AddRange(required.Where(r => o[r] is null).Select(r => $"{where}: {r} is required"));
        }

        void InEnum(JsonNode? value, string[] values, string where)
        {
            if (value?.GetValue<string>() is not { } text || !values.Contains(text))
            {
                problems.Add($"{where}: '{value}' is not in the enum");
            }
        }

        void UInt32(JsonNode? value, string where)
        {
            if (value is not null && (value.GetValue<long>() is < 0 or > uint.MaxValue))
            {
                problems.Add($"{where}: {value} is not a uint32");
            }
        }

        Fields(seccomp, "seccomp", SeccompFields, "defaultAction");
        InEnum(seccomp["defaultAction"], Actions, "defaultAction");
        UInt32(seccomp["defaultErrnoRet"], "defaultErrnoRet");
        foreach (var arch in seccomp["architectures"]?.AsArray() ?? [])
        {
            InEnum(arch, Architectures, "architectures");
        }

        foreach (var flag in seccomp["flags"]?.AsArray() ?? [])
        {
            InEnum(flag, Flags, "flags");
        }

        var syscalls = seccomp["syscalls"]?.AsArray() ?? [];
        for (var i = 0; i < syscalls.Count; i++)
        {
            var rule = syscalls[i]!.AsObject();
            var where = $"syscalls[{i}]";
            Fields(rule, where, SyscallFields, "names", "action");
            if (rule["names"]?.AsArray() is not { Count: > 0 })
            {
                problems.Add($"{where}: names needs at least one item");
            }

            InEnum(rule["action"], Actions, where + ".action");
            UInt32(rule["errnoRet"], where + ".errnoRet");
            foreach (var arg in rule["args"]?.AsArray() ?? [])
            {
                Fields(arg!.AsObject(), where + ".args", ArgFields, "index", "value", "op");
                UInt32(arg["index"], where + ".args.index");
                InEnum(arg["op"], Operators, where + ".args.op");
            }
        }

        return problems;
    }
}
