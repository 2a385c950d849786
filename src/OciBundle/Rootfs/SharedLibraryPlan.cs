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
}
