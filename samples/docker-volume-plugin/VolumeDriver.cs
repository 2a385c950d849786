using System.Text.RegularExpressions;

namespace VolumePlugin;

/// <summary>What Docker learns about one volume.</summary>
public sealed record VolumeInfo(string Name, string Mountpoint);

/// <summary>A refusal the user should read, such as an unknown volume; Docker shows the message.</summary>
public sealed class VolumeException(string message) : Exception(message);

/// <summary>
/// The volume driver's rules, without HTTP. Each volume is a folder below one root folder, and
/// those folders are the whole persistent state: a restarted plugin knows every volume it made.
/// Nothing is mounted: the folder already lies below the plugin's propagated mount, where Docker
/// can bind it into containers, so the mount point of a volume is its folder.
/// Which containers use a volume is kept in memory only, to refuse removing a volume in use.
/// </summary>
public sealed partial class VolumeDriver
{
    private readonly string root;
    private readonly Dictionary<string, HashSet<string>> mountsByVolume = new(StringComparer.Ordinal);

    // Docker may send requests on several connections at once; one lock keeps each request's
    // look-then-act on the folders whole. Requests are few and quick, so one lock is enough.
    private readonly Lock gate = new();

    public VolumeDriver(string root)
    {
        this.root = root;
        Directory.CreateDirectory(root);
    }

    /// <summary>Makes the volume's folder; creating a volume that exists succeeds, as Docker may ask again after a restart.</summary>
    public void Create(string name, IReadOnlyDictionary<string, string>? options)
    {
        var path = FolderOf(name);
        if (options is { Count: > 0 })
        {
            throw new VolumeException($"this driver takes no options, but got: {string.Join(", ", options.Keys.Order(StringComparer.Ordinal))}");
        }

        lock (gate)
        {
            Directory.CreateDirectory(path);
        }
    }

    /// <summary>Deletes the volume's folder and everything in it, unless a container uses it.</summary>
    public void Remove(string name)
    {
        var path = FolderOf(name);
        lock (gate)
        {
            MustExist(name, path);
            if (mountsByVolume.TryGetValue(name, out var mounts) && mounts.Count > 0)
            {
                throw new VolumeException($"volume {name} is in use by {mounts.Count} container(s)");
            }

            // Recursive deletion removes symbolic links themselves, never what they point to.
            Directory.Delete(path, recursive: true);
            mountsByVolume.Remove(name);
        }
    }

    /// <summary>Records that <paramref name="mountId"/> (one per container mount) uses the volume, and returns its folder.</summary>
    public string Mount(string name, string mountId)
    {
        var path = FolderOf(name);
        lock (gate)
        {
            MustExist(name, path);
            if (!mountsByVolume.TryGetValue(name, out var mounts))
            {
                mounts = new HashSet<string>(StringComparer.Ordinal);
                mountsByVolume.Add(name, mounts);
            }

            mounts.Add(mountId);
            return path;
        }
    }

    /// <summary>Forgets one use of the volume; an unknown mount id is not an error, so Docker may repeat the call.</summary>
    public void Unmount(string name, string mountId)
    {
        var path = FolderOf(name);
        lock (gate)
        {
            MustExist(name, path);
            if (mountsByVolume.TryGetValue(name, out var mounts))
            {
                mounts.Remove(mountId);
            }
        }
    }

    /// <summary>The volume's folder, as seen inside the plugin's container.</summary>
    public string Path(string name) => Get(name).Mountpoint;

    public VolumeInfo Get(string name)
    {
        var path = FolderOf(name);
        lock (gate)
        {
            MustExist(name, path);
            return new VolumeInfo(name, path);
        }
    }

    /// <summary>Every volume, by name in ordinal order; folders whose names no volume could have are not volumes.</summary>
    public IReadOnlyList<VolumeInfo> List()
    {
        lock (gate)
        {
            return Directory.EnumerateDirectories(root)
                .Select(System.IO.Path.GetFileName)
                .OfType<string>()
                .Where(IsValidName)
                .Order(StringComparer.Ordinal)
                .Select(name => new VolumeInfo(name, System.IO.Path.Combine(root, name)))
                .ToList();
        }
    }

    /// <summary>
    /// A name becomes one folder name, so it is held to the rule of Docker's own local driver:
    /// letters, digits, '_', '.', '-', starting with a letter or digit, at most 255 of them. That also keeps "..",
    /// "/" and other paths out, so the driver never touches anything outside its root.
    /// </summary>
    public static bool IsValidName(string name) => ValidName().IsMatch(name);

    private string FolderOf(string name) =>
        IsValidName(name)
            ? System.IO.Path.Combine(root, name)
            : throw new VolumeException($"invalid volume name \"{name}\": use letters, digits, '_', '.' and '-', starting with a letter or digit");

    private static void MustExist(string name, string path)
    {
        if (!Directory.Exists(path))
        {
            throw new VolumeException($"no such volume: {name}");
        }
    }

    // \z, not $: $ would also match before a final newline. 255 bytes is the longest folder name.
    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}\z")]
    private static partial Regex ValidName();
}
