using OciBundle.Diagnostics;
using OciBundle.Seccomp;
using OciBundle.Spec;

namespace OciBundle.Building;

/// <summary>
/// linux.seccomp from OciSeccompProfile: the built-in profile (default), none (unconfined, or
/// OciPrivileged), or a project's file, rendered for OciTargetArchitecture and the capabilities
/// CapabilityStep granted. Runs after CapabilityStep, which it reads.
/// </summary>
public static class SeccompStep
{
    public const string DefaultProfile = "default";
    public const string Unconfined = "unconfined";

    public static void Apply(SpecContext context, RuntimeSpec spec)
    {
        var reader = context.Reader;
        spec.Linux.Seccomp = null;

        var target = context.Settings.Architecture.Value;
        if (context.Settings.Privileged.Value)
        {
            return;
        }

        var value = reader.String(SurfaceNames.SeccompProfile) ?? DefaultProfile;
        if (value.Equals(Unconfined, StringComparison.OrdinalIgnoreCase))
        {
            reader.Diagnostics.Warning(Messages.SeccompUnconfined, reader.Locate(SurfaceNames.SeccompProfile));
            return;
        }

        var granted = spec.Process.Capabilities?.Bounding ?? [];
        if (value.Equals(DefaultProfile, StringComparison.OrdinalIgnoreCase))
        {
            spec.Linux.Seccomp = SeccompRenderer.Render(SeccompProfileLoader.Default, target, granted);
            return;
        }

        var filePath = Path.GetFullPath(value, reader.Request.ProjectDirectory);
        var loaded = SeccompProfileLoader.Load(value, filePath, reader.Locate(SurfaceNames.SeccompProfile), reader.Diagnostics);
        if (loaded is not { } file || !SeccompProfileValidator.Check(file.Document, file.Source, reader.Diagnostics))
        {
            return;
        }

        var (source, profile) = file;

        spec.Linux.Seccomp = SeccompRenderer.Render(profile, target, granted);
        if (profile.Flags is { Count: > 0 } flags)
        {
            reader.Diagnostics.Warning(Messages.SeccompFlagsKept, source.Locate(JsonPath.Root.Property("flags")), value, string.Join(", ", flags));
        }
    }
}
