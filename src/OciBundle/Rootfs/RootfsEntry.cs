namespace OciBundle.Rootfs;

public enum RootfsEntryType
{
    Directory,
    RegularFile,
    SymbolicLink,
}

/// <summary>One entry of the root filesystem as it will be written, before any I/O happens.</summary>
public sealed record RootfsEntry
{
    /// <summary>Normalised relative path: '/'-separated, no leading or trailing '/', no '.' or '..' parts ("usr/bin/env").</summary>
    public required string Path { get; init; }

    public required RootfsEntryType Type { get; init; }

    /// <summary>Permission bits including setuid, setgid and sticky (0 to 07777).</summary>
    public required int Mode { get; init; }

    public int Uid { get; init; }

    public int Gid { get; init; }

    /// <summary>Where a symbolic link points, exactly as written (relative or absolute).</summary>
    public string? LinkTarget { get; init; }

    /// <summary>
    /// Host file holding a regular file's bytes (the original file, or a spooled copy of an archive
    /// member); null for an empty file made by the build (Size 0), such as a bind mount's target.
    /// </summary>
    public string? SourcePath { get; init; }

    /// <summary>Size in bytes of a regular file's content.</summary>
    public long Size { get; init; }

    /// <summary>
    /// Regular files sharing a key (and mode and owner) were hard links of one another where they
    /// came from; the writers keep them as hard links to the first of them in sorted order.
    /// </summary>
    public string? HardLinkKey { get; init; }

    /// <summary>What put this entry here, for messages: "OciBaseRootfs /img.tar", "OciRootfsFile hello.sh".</summary>
    public string Origin { get; init; } = "";
}
