using OciBundle.Diagnostics;
using OciBundle.Spec;
using OciBundle.Steps;

namespace OciBundle.Validation;

/// <summary>
/// Spec version honesty: config.json never holds a field newer than the ociVersion it declares. A
/// runtime that follows the declared version strictly ignores or refuses such a field; for
/// errnoRet that means every filtered call fails with EPERM instead of ENOSYS, and new glibc then
/// cannot start threads (clone3). Only fields the SDK can write are listed.
/// </summary>
public static class SpecVersionRules
{
    /// <summary>The runtime-spec version that introduced each field the SDK may write.</summary>
    public static readonly IReadOnlyList<(string Field, Version Since, Func<RuntimeSpec, bool> IsWritten)> Fields =
    [
        ("linux.seccomp.defaultErrnoRet", new Version(1, 1, 0), s => s.Linux.Seccomp?.DefaultErrnoRet is not null),
        ("linux.seccomp.syscalls[].errnoRet", new Version(1, 1, 0), s => s.Linux.Seccomp?.Syscalls?.Any(c => c.ErrnoRet is not null) == true),
        ("linux.seccomp.listenerPath", new Version(1, 1, 0), s => s.Linux.Seccomp?.ListenerPath is not null),
        ("linux.seccomp.listenerMetadata", new Version(1, 1, 0), s => s.Linux.Seccomp?.ListenerMetadata is not null),
        ("the seccomp action SCMP_ACT_NOTIFY", new Version(1, 1, 0), s => s.Linux.Seccomp?.Syscalls?.Any(c => c.Action == "SCMP_ACT_NOTIFY") == true),
    ];

    public static void Check(RuntimeSpec spec, SpecOrigins origins, DiagnosticBag diagnostics)
    {
        if (Parse(spec.OciVersion) is not { } declared)
        {
            return; // OCIB1026 already reported it
        }

        foreach (var (field, since, isWritten) in Fields)
        {
            if (declared < since && isWritten(spec))
            {
                diagnostics.Error(Messages.FieldNewerThanSpecVersion, origins.Of(SpecPaths.OciVersion)?.Location, spec.OciVersion, field, since.ToString(3));
            }
        }
    }

    /// <summary>major.minor.patch; a pre-release counts as its release (1.1.0-rc.1 already had the 1.1.0 fields).</summary>
    public static Version? Parse(string text)
    {
        var core = text.Split('-', 2)[0];
        return Version.TryParse(core, out var version) && version.Build >= 0 && version.Revision < 0 ? version : null;
    }
}
