using System.Text;

namespace OciBundle.Output;

/// <summary>
/// A private folder (.oci-staging-…) beside the files it will become, on their own file system,
/// so moving its contents into place is a rename. While the build runs it holds an exclusive lock
/// on its owner file; the kernel drops the lock when the process ends, even when it is killed. So a
/// later build removes a staging folder only when it proves both: the owner file is ours (our
/// header), and nobody holds its lock (its build is gone). Anything else there is left alone.
/// </summary>
internal sealed class StagingFolder : IDisposable
{
    public const string Prefix = ".oci-staging-";
    private const string OwnerFileName = ".owner";
    private const string OwnerHeader = "oci-bundle-staging 1";

    private readonly FileStream _owner;

    private StagingFolder(string path, FileStream owner)
    {
        Path = path;
        _owner = owner;
    }

    public string Path { get; }

    /// <summary>Removes what killed builds left in <paramref name="parent"/>, then makes a new staging folder there.</summary>
    public static StagingFolder CreateIn(string parent)
    {
        RemoveLeftovers(parent);
        var path = System.IO.Path.Combine(parent, Prefix + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(path);
        try
        {
            // FileShare.None takes flock(LOCK_EX) on Unix: held until this build disposes it or dies.
            var owner = new FileStream(System.IO.Path.Combine(path, OwnerFileName), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None);
            owner.Write(Encoding.UTF8.GetBytes($"{OwnerHeader}\n{Environment.ProcessId}\n"));
            owner.Flush();
            return new StagingFolder(path, owner);
        }
        catch
        {
            Directory.Delete(path, recursive: true);
            throw;
        }
    }

    /// <summary>Staging folders in <paramref name="parent"/> whose build is provably gone.</summary>
    public static void RemoveLeftovers(string parent)
    {
        if (!Directory.Exists(parent))
        {
            return;
        }

        foreach (var leftover in Directory.EnumerateDirectories(parent, Prefix + "*"))
        {
            try
            {
                if (IsAbandoned(leftover))
                {
                    BundleStaging.Delete(leftover);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Best effort: a leftover we cannot remove costs disk space, not this build.
            }
        }
    }

    public void Dispose()
    {
        _owner.Dispose();
        BundleStaging.Delete(Path);
    }

    private static bool IsAbandoned(string folder)
    {
        var ownerFile = System.IO.Path.Combine(folder, OwnerFileName);
        if (new DirectoryInfo(folder).LinkTarget is not null || !File.Exists(ownerFile) || new FileInfo(ownerFile).LinkTarget is not null)
        {
            return false; // not provably ours
        }

        try
        {
            using var owner = new FileStream(ownerFile, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
            var head = new byte[256];
            var read = owner.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            var lines = Encoding.UTF8.GetString(head, 0, read).Split('\n');
            if (lines is not [OwnerHeader, var pid, ..])
            {
                return false;
            }

            // Also when file locks are off (DOTNET_SYSTEM_IO_DISABLEFILELOCKING): a live process keeps its folder.
            return !(OperatingSystem.IsLinux() && Directory.Exists("/proc/" + pid));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false; // locked: a build running beside this one owns it
        }
    }
}
