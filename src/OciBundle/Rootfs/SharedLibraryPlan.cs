using OciBundle.Diagnostics;
using OciBundle.Platform;
using OciBundle.Request;

namespace OciBundle.Rootfs;

/// <summary>OciIncludeSharedLibraries, OciSysroot and OciSharedLibrary, read and checked before any file is touched.</summary>
public sealed record SharedLibraryPlan(string SysrootHostPath, IReadOnlyList<SharedLibraryPlan.Library> Libraries)
{
    /// <summary>An OciSharedLibrary item: a file name (libssl.so.3) or an absolute path in the sysroot.</summary>
    public sealed record Library(string Name, SourceLocation? Location);

    /// <summary>Where the target architecture was written (else OciSysroot), for a library of another machine.</summary>
    public SourceLocation? ArchitectureLocation { get; init; }

    /// <summary>Null when the libraries are not collected (OciIncludeSharedLibraries is off).</summary>
    public static SharedLibraryPlan? Read(RequestReader reader)
    {
        var libraries = new List<Library>();
        foreach (var item in reader.Items(SurfaceNames.SharedLibrary))
        {
            var name = item.ItemSpec;
            if (name.Contains('\0') || (!name.StartsWith('/') && name.Contains('/')) || name.EndsWith('/'))
            {
                reader.Diagnostics.Error(Messages.InvalidSharedLibrary, item.Location, name.Replace('\0', '?'));
                continue;
            }

            libraries.Add(new Library(name, item.Location));
        }

        if (!SurfaceReads.IncludeSharedLibraries(reader))
        {
            if (libraries.Count > 0)
            {
                reader.Diagnostics.Warning(Messages.SharedLibraryItemsIgnored, libraries[0].Location);
            }

            return null;
        }

        var sysroot = SurfaceReads.Sysroot(reader) ?? "/";
        var host = Path.GetFullPath(sysroot, reader.Request.ProjectDirectory);
        if (!Directory.Exists(host))
        {
            reader.Diagnostics.Error(Messages.SysrootNotFound, reader.Locate(SurfaceNames.Sysroot), sysroot);
            return null;
        }

        return new SharedLibraryPlan(host, libraries)
        {
            ArchitectureLocation = reader.Locate(SurfaceNames.TargetArchitecture) ?? reader.Locate(TargetArchitecture.RuntimeIdentifierProperty) ?? reader.Locate(SurfaceNames.Sysroot),
        };
    }
}
