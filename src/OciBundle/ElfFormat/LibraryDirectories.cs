using OciBundle.Platform;

namespace OciBundle.ElfFormat;

/// <summary>
/// Where the dynamic loader looks for a library when the program does not say (no DT_RUNPATH
/// hit): Debian's and Ubuntu's multiarch folders first, then the classic ones, as glibc's
/// system search path has them; musl's /lib and /usr/lib are among them.
/// </summary>
public static class LibraryDirectories
{
    private static readonly Dictionary<string, string> Triplets = new(StringComparer.Ordinal)
    {
        [TargetArchitecture.Amd64.Name] = "x86_64-linux-gnu",
        [TargetArchitecture.Arm64.Name] = "aarch64-linux-gnu",
        [TargetArchitecture.I386.Name] = "i386-linux-gnu",
        [TargetArchitecture.Arm.Name] = "arm-linux-gnueabihf",
        [TargetArchitecture.Ppc64le.Name] = "powerpc64le-linux-gnu",
        [TargetArchitecture.S390x.Name] = "s390x-linux-gnu",
        [TargetArchitecture.Riscv64.Name] = "riscv64-linux-gnu",
    };

    /// <summary>Absolute folders, in the order the loader tries them.</summary>
    public static IReadOnlyList<string> For(TargetArchitecture architecture)
    {
        var triplet = Triplets[architecture.Name];
        var is64 = architecture != TargetArchitecture.I386 && architecture != TargetArchitecture.Arm;
        return is64
            ? [$"/lib/{triplet}", $"/usr/lib/{triplet}", "/lib64", "/usr/lib64", "/lib", "/usr/lib"]
            : [$"/lib/{triplet}", $"/usr/lib/{triplet}", "/lib", "/usr/lib"];
    }

    /// <summary>
    /// The folders an ELF file's own DT_RUNPATH (or DT_RPATH when it has no DT_RUNPATH) names,
    /// with $ORIGIN (and ${ORIGIN}) replaced by the folder the file sits in.
    /// </summary>
    public static IEnumerable<string> OwnSearchPath(ElfFile elf, string fileFolder)
    {
        var list = elf.RunPath.Count > 0 ? elf.RunPath : elf.RPath;
        foreach (var entry in list)
        {
            var expanded = entry.Replace("${ORIGIN}", fileFolder, StringComparison.Ordinal).Replace("$ORIGIN", fileFolder, StringComparison.Ordinal);
            if (expanded.StartsWith('/') && !expanded.Contains('$'))
            {
                yield return expanded; // relative entries and other tokens ($LIB, $PLATFORM) depend on the run, not the rootfs
            }
        }
    }
}
