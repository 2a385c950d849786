namespace OciBundle.Seccomp;

/// <summary>
/// What rendering needs of the target architecture: its seccomp architectures, the native one
/// first, and the names a profile's arches conditions use for it. Platform's TargetArchitecture
/// gives it, so this folder needs nothing of Platform.
/// </summary>
public sealed record SeccompTarget(IReadOnlyList<string> Architectures, IReadOnlyList<string> ProfileNames)
{
    public string Native => Architectures[0];
}
