using System.Globalization;
using System.IO.Enumeration;
using System.Security.Cryptography;
using System.Text;
using OciBundle.Diagnostics;
using OciBundle.Request;
using OciBundle.Settings;

namespace OciBundle.Output;

/// <summary>
/// One digest over everything a bundle depends on: this tool's build, every property and item of
/// the request (some, such as a user name, only become config.json once the rootfs is read), the
/// config.json bytes, the output options, the content (size, mode, SHA-256) of every published
/// file, and the name, size, time, mode and link target of every other host input. The same digest as last time (and outputs untouched since) means nothing to write.
/// </summary>
public static class InputFingerprint
{
    public static string Compute(BundleRequest request, byte[] configJson, BundleOptions options, BundleSettings settings) =>
        ComputeWithEntries(request, configJson, options, settings).Digest;

    /// <summary>
    /// The digest, and the same inputs as named entries ("property OciMemoryLimit", "file /app/data.txt")
    /// each with a short digest of its own, so a rewrite can name the first input that differs.
    /// </summary>
    public static FingerprintResult ComputeWithEntries(BundleRequest request, byte[] configJson, BundleOptions options, BundleSettings settings)
    {
        var plan = settings.Rootfs;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var entries = new FingerprintEntries();
        void Add(string text)
        {
            var bytes = Encoding.UTF8.GetBytes(text + "\n");
            hash.AppendData(bytes);
            entries.Append(bytes);
        }

        entries.Start("tool");
        Add("tool " + typeof(InputFingerprint).Assembly.ManifestModule.ModuleVersionId);
        foreach (var (name, value) in request.Properties.OrderBy(p => p.Key, StringComparer.OrdinalIgnoreCase))
        {
            entries.Start("property " + name);
            Add($"property {name}={value}");
        }

        foreach (var (type, items) in request.Items.OrderBy(i => i.Key, StringComparer.OrdinalIgnoreCase))
        {
            foreach (var item in items)
            {
                entries.Start($"item {type} {item.ItemSpec}");
                var metadata = item.Metadata.OrderBy(m => m.Key, StringComparer.OrdinalIgnoreCase).Select(m => $"{m.Key}={m.Value}");
                Add($"item {type} {item.ItemSpec} {string.Join('|', metadata)}");
            }
        }

        entries.Start("config.json");
        hash.AppendData(configJson);
        entries.Append(configJson);
        entries.Start("output options");
        Add($"options {options.OutputDirectory}|{options.ArchivePath}|{options.Format}|{options.CompressionLevel}|{options.SourceDateEpoch}|sbom={options.Sbom}");
        if (plan.BaseRootfsHostPath is { } baseRootfs)
        {
            entries.Start("base rootfs " + baseRootfs);
            Add("base " + baseRootfs);
            AddHostPath(Add, baseRootfs, $"{SurfaceNames.BaseRootfs} {plan.BaseRootfs}");
        }

        // A base image counts by the manifest it resolved to (which names its config and layers)
        // and by the files it is read from, so a changed or damaged file is read again.
        if (settings.BaseImage.Image is { } image)
        {
            entries.Start("base image " + image.Reference.Text);
            Add($"base image {image.Reference.Text} {image.Manifest.Digest}");
            AddHostPath(Add, image.Reference.HostPath, image.Reference.ToString());
        }

        // The publish step rewrites some of its files on every run (deps.json, runtimeconfig.json,
        // the apphost) with the same bytes; what the rootfs gets is their content, so that is what counts.
        foreach (var f in plan.PublishFiles)
        {
            entries.Start("published file " + f.HostPath);
            Add($"publish {f.TargetPath} {f.HostPath}");
            AddContent(Add, f.HostPath, "the publish output");
        }

        foreach (var d in plan.Directories)
        {
            entries.Start("folder " + d.Path);
            Add($"dir {d.Path} {d.Mode} {d.Uid} {d.Gid}");
        }

        foreach (var f in plan.Files)
        {
            entries.Start("file " + f.HostPath);
            Add($"file {f.TargetPath} {f.Mode} {f.Uid} {f.Gid} {f.HostPath}");
            AddHostPath(Add, f.HostPath, f.Origin);
        }

        foreach (var l in plan.Symlinks)
        {
            entries.Start("link " + l.Path);
            Add($"link {l.Path} {l.LinkTarget} {l.Uid} {l.Gid}");
        }

        return new FingerprintResult(Convert.ToHexString(hash.GetCurrentHash()).ToLowerInvariant(), entries.Finish());
    }

    /// <summary>
    /// A file's size, mode, link target and SHA-256 (of what it links to, as the rootfs reads it);
    /// a folder's stat. A file that cannot be read is OCIB3004 for <paramref name="origin"/>.
    /// </summary>
    private static void AddContent(Action<string> add, string path, string origin)
    {
        if (!File.Exists(path))
        {
            AddHostPath(add, path, origin);
            return;
        }

        try
        {
            var file = new FileInfo(path);
            var target = file.LinkTarget is null ? file : new FileInfo(file.ResolveLinkTarget(returnFinalTarget: true)!.FullName);
            var mode = OperatingSystem.IsWindows() ? 0 : (int)target.UnixFileMode;
            add(string.Create(CultureInfo.InvariantCulture, $"content {target.Length}|{mode}|{file.LinkTarget}|{FileDigests.Sha256Hex(path)}"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OciBundleException(Diagnostic.Error(Messages.UnreadableInput, null, origin, path, e.Message.TrimEnd('.')), e);
        }
    }

    /// <summary>
    /// A file's stat, or a whole folder's, walked without following links. A folder that cannot be
    /// listed (no permission, a path longer than PATH_MAX) is OCIB3004 for <paramref name="origin"/>.
    /// </summary>
    private static void AddHostPath(Action<string> add, string path, string origin)
    {
        try
        {
            AddHostPath(add, path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OciBundleException(Diagnostic.Error(Messages.UnreadableInput, null, origin, path, e.Message.TrimEnd('.')), e);
        }
    }

    private static void AddHostPath(Action<string> add, string path)
    {
        if (!Directory.Exists(path))
        {
            var file = new FileInfo(path);
            add(Describe(file, ""));
            if (file.LinkTarget is not null && file.ResolveLinkTarget(returnFinalTarget: true) is { } target)
            {
                add(Describe(target, "-> " + target.FullName)); // a linked file item is read from what it names
            }

            return;
        }

        var entries = new FileSystemEnumerable<string>(
            path,
            (ref FileSystemEntry e) => Describe(e.ToFileSystemInfo(), Relative(path, e.ToFullPath())),
            new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = false })
        {
            ShouldRecursePredicate = (ref FileSystemEntry e) => (e.Attributes & FileAttributes.ReparsePoint) == 0,
        }.ToList();
        entries.Sort(StringComparer.Ordinal);
        foreach (var line in entries)
        {
            add(line);
        }
    }

    private static string Relative(string root, string full) =>
        full.Length > root.Length && full.StartsWith(root, StringComparison.Ordinal) ? full[root.Length..] : full;

    private static string Describe(FileSystemInfo info, string relative)
    {
        if (!info.Exists)
        {
            return $"missing {relative}";
        }

        var size = info is FileInfo file && info.LinkTarget is null ? file.Length : 0;
        var mode = OperatingSystem.IsWindows() ? 0 : (int)info.UnixFileMode;
        return string.Create(CultureInfo.InvariantCulture, $"{relative}|{size}|{info.LastWriteTimeUtc.Ticks}|{mode}|{info.LinkTarget}");
    }
}

/// <summary>The inputs' digest and its named entries, in the order they were taken, each with a short digest.</summary>
public sealed record FingerprintResult(string Digest, IReadOnlyList<KeyValuePair<string, string>> Entries);

/// <summary>Per-entry digests: 16 hex digits each, enough to tell a change, small enough for a stamp line per input.</summary>
internal sealed class FingerprintEntries
{
    private readonly List<KeyValuePair<string, string>> done = [];
    private readonly HashSet<string> seen = new(StringComparer.Ordinal);
    private IncrementalHash? current;
    private string? key;

    public void Start(string name)
    {
        Close();
        // Keys are one line in the stamp, and unique there (an item listed twice gets "#2").
        // Names come from the project (an item's Include may hold a lone surrogate or a control
        // character): the stamp's UTF-8 writer would throw on the first, its line reader split on the second.
        name = new string(Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(name)).Select(c => char.IsControl(c) ? ' ' : c).ToArray());
        var unique = name;
        for (var n = 2; !seen.Add(unique); n++)
        {
            unique = string.Create(CultureInfo.InvariantCulture, $"{name} #{n}");
        }

        key = unique;
        current = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    }

    public void Append(byte[] bytes) => current?.AppendData(bytes);

    public IReadOnlyList<KeyValuePair<string, string>> Finish()
    {
        Close();
        return done;
    }

    private void Close()
    {
        if (current is not null && key is not null)
        {
            done.Add(new(key, Convert.ToHexString(current.GetCurrentHash(), 0, 8).ToLowerInvariant()));
            current.Dispose();
        }

        current = null;
        key = null;
    }
}
