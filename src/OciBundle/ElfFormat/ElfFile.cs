namespace OciBundle.ElfFormat;

/// <summary>
/// What the dynamic loader needs from an ELF file, and so what a rootfs must hold for it to run:
/// its architecture, its interpreter (PT_INTERP), the libraries it names (DT_NEEDED) and where it
/// asks for them to be looked up (DT_RUNPATH, or the older DT_RPATH).
/// </summary>
public sealed record ElfFile
{
    public const ushort TypeExecutable = 2; // ET_EXEC
    public const ushort TypeShared = 3; // ET_DYN: shared libraries and position-independent programs

    public required bool Is64Bit { get; init; }

    public required bool IsBigEndian { get; init; }

    /// <summary>e_type: ET_EXEC, ET_DYN, ET_REL, ET_CORE.</summary>
    public required ushort Type { get; init; }

    /// <summary>e_machine: 62 x86-64, 183 AArch64, 3 i386, …</summary>
    public required ushort Machine { get; init; }

    /// <summary>The program interpreter's path (the dynamic loader), or null for a static program or a library.</summary>
    public string? Interpreter { get; init; }

    public IReadOnlyList<string> Needed { get; init; } = [];

    public IReadOnlyList<string> RunPath { get; init; } = [];

    /// <summary>DT_RPATH; the loader ignores it when DT_RUNPATH is present.</summary>
    public IReadOnlyList<string> RPath { get; init; } = [];

    public string? SoName { get; init; }

    /// <summary>Static programs name nothing: no interpreter and no libraries.</summary>
    public bool IsDynamic => Interpreter is not null || Needed.Count > 0;
}

/// <summary>A file that starts like an ELF file but cannot be read as one.</summary>
public sealed class ElfFormatException(string reason) : Exception(reason);
