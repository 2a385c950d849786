using System.Runtime.InteropServices;

namespace OciBundle.Platform.Interop;

/// <summary>The building user's ids, for OciRootless mappings (the BCL has no getuid).</summary>
internal static partial class Identity
{
    public static uint EffectiveUserId() => OperatingSystem.IsWindows() ? 0 : GetEffectiveUserId();

    public static uint EffectiveGroupId() => OperatingSystem.IsWindows() ? 0 : GetEffectiveGroupId();

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEffectiveUserId();

    [LibraryImport("libc", EntryPoint = "getegid")]
    private static partial uint GetEffectiveGroupId();
}
