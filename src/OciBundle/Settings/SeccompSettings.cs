using OciBundle.Diagnostics;
using OciBundle.Platform;
using OciBundle.Request;
using OciBundle.Seccomp;

namespace OciBundle.Settings;

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

        var value = SurfaceReads.SeccompProfile(reader) ?? DefaultProfile;
        if (value.Equals(UnconfinedName, StringComparison.OrdinalIgnoreCase))
        {
            return new(null, null, true, origin);
        }

        if (value.Equals(DefaultProfile, StringComparison.OrdinalIgnoreCase))
        {
            return new(SeccompProfileLoader.Default, null, false, origin);
        }

        var filePath = Path.GetFullPath(value, reader.Request.ProjectDirectory);
        return Load(value, filePath, origin.Location, reader.Diagnostics) is { } file
            ? new(file.Document, file.Source, false, origin)
            : new(null, null, false, origin);
    }

    /// <summary>
    /// Reads, parses and checks a project's profile file; null, with OCIB3041 (cannot be read),
    /// OCIB3040 (not JSON of the right shape) or the checker's reports, when it cannot be used.
    /// </summary>
    public static (SeccompProfileSource Source, SeccompProfileDocument Document)? Load(string shownName, string filePath, SourceLocation? propertyLocation, DiagnosticBag diagnostics) =>
        InputFiles.TryReadJson(SurfaceNames.SeccompProfile, shownName, filePath, propertyLocation, diagnostics, Messages.SeccompProfileUnreadable) is { } json
        && SeccompProfileLoader.FromJson(shownName, filePath, json, diagnostics.Add) is { } file
        && SeccompProfileValidator.Check(file.Document, file.Source, diagnostics.Add)
            ? file
            : null;
}
