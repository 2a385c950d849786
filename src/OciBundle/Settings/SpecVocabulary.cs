namespace OciBundle.Settings;

/// <summary>
/// The runtime spec's words and syntaxes a setting is checked against when it is read: a value
/// outside them is reported where it was written (OCIB1xxx), so the steps only copy checked values
/// into the spec. Here rather than in the steps, because the settings stage comes first.
/// </summary>
public static class SpecVocabulary
{
    /// <summary>The hook stages as the spec spells them (JSON names).</summary>
    public static readonly IReadOnlyList<string> HookStages = ["prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop"];

    public static readonly IReadOnlyList<string> NamespaceTypes = ["pid", "network", "ipc", "uts", "mount", "user", "cgroup", "time"];

    public static readonly IReadOnlyList<string> RootfsPropagations = ["private", "shared", "slave", "unbindable"];

    public static readonly IReadOnlyList<string> Rlimits =
    [
        "RLIMIT_AS", "RLIMIT_CORE", "RLIMIT_CPU", "RLIMIT_DATA", "RLIMIT_FSIZE", "RLIMIT_LOCKS",
        "RLIMIT_MEMLOCK", "RLIMIT_MSGQUEUE", "RLIMIT_NICE", "RLIMIT_NOFILE", "RLIMIT_NPROC",
        "RLIMIT_RSS", "RLIMIT_RTPRIO", "RLIMIT_RTTIME", "RLIMIT_SIGPENDING", "RLIMIT_STACK",
    ];

    /// <summary>PATH when neither the project nor the base image gives one.</summary>
    public const string DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    public static bool IsValidEnvironmentName(string name) =>
        name.Length > 0
        && (char.IsAsciiLetter(name[0]) || name[0] == '_')
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    /// <summary>What sethostname(2) takes and resolvers expect: 1 to 64 bytes of letters, digits, '-', '.', '_'.</summary>
    public static bool IsValidHostname(string name) =>
        name.Length is > 0 and <= 64 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_');

    /// <summary>A sysctl key as runc checks it: '/' (as in /proc/sys) written as '.'.</summary>
    public static string NormalizeSysctl(string key) => key.Replace('/', '.');
}
