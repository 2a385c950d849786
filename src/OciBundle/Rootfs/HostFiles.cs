using OciBundle.Platform;

namespace OciBundle.Rootfs;

/// <summary>Describes one host file as a rootfs entry: its mode from the file system, or recognised by content where the file system has none.</summary>
public static class HostFiles
{
    private const int Executable = 0b111_101_101; // 0755
    private const int Regular = 0b110_100_100; // 0644

    /// <remarks>
    /// A symbolic link (named, or matched by a glob) is followed: the entry is the file it names,
    /// with that file's size and mode, read from that file. A link inside a folder item stays a
    /// link instead (<see cref="HostDirectoryReader"/>), as cp -r and tar keep it.
    /// </remarks>
    public static RootfsEntry Describe(RootfsPlan.PlannedFile file)
    {
        try
        {
            InputFiles.ThrowUnlessRegularFile(file.HostPath);
            var source = Resolve(file.HostPath);
            var info = new FileInfo(source);
            return new RootfsEntry
            {
                Path = file.TargetPath,
                Type = RootfsEntryType.RegularFile,
                Mode = file.Mode ?? ModeOf(source),
                Uid = file.Uid,
                Gid = file.Gid,
                SourcePath = source,
                Size = info.Length,
                Origin = file.Origin,
            };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw InputFiles.Unreadable(file.Origin, file.HostPath, e);
        }
    }

    /// <summary>The file a path names: itself, or the final target of the symbolic links it is.</summary>
    public static string Resolve(string hostPath) =>
        new FileInfo(hostPath).LinkTarget is null ? hostPath : File.ResolveLinkTarget(hostPath, returnFinalTarget: true)?.FullName ?? hostPath;

    /// <summary>Permission bits from the file system on Unix; on Windows, 0755 for ELF and '#!' files and 0644 otherwise.</summary>
    public static int ModeOf(string hostPath)
    {
        if (!OperatingSystem.IsWindows())
        {
            return (int)File.GetUnixFileMode(hostPath);
        }

        return LooksExecutable(hostPath) ? Executable : Regular;
    }

    public static bool LooksExecutable(string hostPath)
    {
        Span<byte> head = stackalloc byte[4];
        using var stream = InputFiles.OpenRead(hostPath);
        var read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        return (read >= 4 && head[0] == 0x7f && head[1] == (byte)'E' && head[2] == (byte)'L' && head[3] == (byte)'F')
            || (read >= 2 && head[0] == (byte)'#' && head[1] == (byte)'!');
    }
}
