using OciBundle.Seccomp;

namespace OciBundle.Building;

/// <summary>
/// OciSeccompProfile as a setting: the profile to render (the built-in one, or a project's file
/// read and checked here, OCIB3040 to OCIB3049), or none: unconfined, OciPrivileged (the property
/// is then not read), or a file that was refused (reported). Rendering waits for the granted
/// capabilities (SeccompStep).
/// </summary>
public sealed record SeccompSettings(SeccompProfileDocument? Profile, SeccompProfileSource? File, bool Unconfined, Origin Origin)
{
    public const string DefaultProfile = "default";
    public const string UnconfinedName = "unconfined";

    public static SeccompSettings Read(RequestReader reader, bool privileged)
    {
        var origin = Origin.Property(reader, SurfaceNames.SeccompProfile);
        if (privileged)
        {
            return new(null, null, false, origin);
        }

        var value = reader.String(SurfaceNames.SeccompProfile) ?? DefaultProfile;
        if (value.Equals(UnconfinedName, StringComparison.OrdinalIgnoreCase))
        {
            return new(null, null, true, origin);
        }

        if (value.Equals(DefaultProfile, StringComparison.OrdinalIgnoreCase))
        {
            return new(SeccompProfileLoader.Default, null, false, origin);
        }

        var filePath = Path.GetFullPath(value, reader.Request.ProjectDirectory);
        var loaded = SeccompProfileLoader.Load(value, filePath, origin.Location, reader.Diagnostics);
        return loaded is { } file && SeccompProfileValidator.Check(file.Document, file.Source, reader.Diagnostics)
            ? new(file.Document, file.Source, false, origin)
            : new(null, null, false, origin);
    }
}
