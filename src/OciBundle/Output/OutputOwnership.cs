using System.Text;
using OciBundle.Diagnostics;
using OciBundle.Platform;

namespace OciBundle.Output;

/// <summary>
/// Proves that the bundle names already in an output folder were written by an earlier build of
/// ours before any of them is replaced or removed. The proof is never a file name: it is our
/// marker (<see cref="MarkerName"/>, listing every output with its SHA-256) and files whose
/// digests still match it; or, for bundles written before the marker existed (0.1.0), the
/// project's up-to-date stamp, which lists the same outputs with their digests.
/// </summary>
public static class OutputOwnership
{
    /// <summary>Our marker in the output folder: what the last build wrote there.</summary>
    public const string MarkerName = ".oci-bundle-outputs";

    private const string Header = "oci-bundle-outputs 1";

    /// <summary>Stands for a folder output in the marker: its files are listed in SHA256SUMS.</summary>
    private const string FolderDigest = "-";

    /// <summary>The marker's text for what a build moved into place: name and digest, in name order.</summary>
    public static byte[] Marker(IEnumerable<BundleOutputFile> outputsInFolder)
    {
        var lines = outputsInFolder
            .Select(o => (Name: System.IO.Path.GetFileName(o.Path), Digest: o.Sha256.Length > 0 ? o.Sha256 : FolderDigest))
            .OrderBy(o => o.Name, StringComparer.Ordinal)
            .Select(o => $"{o.Digest}  {o.Name}\n");
        return Encoding.UTF8.GetBytes(Header + "\n" + string.Concat(lines));
    }

    /// <summary>
    /// Throws OCIB5006 naming the first of <paramref name="ownedNames"/> in <paramref name="outputDirectory"/>
    /// that no earlier build provably wrote. Reads only; touches nothing.
    /// </summary>
    public static void RefuseForeign(string outputDirectory, IEnumerable<string> ownedNames, string? stampFile)
    {
        if (!Directory.Exists(outputDirectory))
        {
            return;
        }

        var present = ownedNames.Append(MarkerName)
            .Where(n => Path.Exists(Path.Combine(outputDirectory, n)) || new FileInfo(Path.Combine(outputDirectory, n)).LinkTarget is not null)
            .ToList();
        if (present.Count == 0)
        {
            return;
        }

        var marker = ReadMarker(outputDirectory);
        var (written, proof) = marker is not null
            ? (marker, $"the folder's {MarkerName} does not list it")
            : ReadStamp(outputDirectory, stampFile) is { } stamped
                ? (stamped, "the project's stamp of the last build does not list it")
                : (new Dictionary<string, string>(StringComparer.Ordinal), $"the folder has no {MarkerName} of ours listing what we wrote there");

        // What the stamp recorded of each output right after writing it: a file whose identity is
        // still the same has not been written since, so it still holds the digest we wrote.
        var stillAsWritten = StillAsWritten(stampFile);
        foreach (var name in present)
        {
            var path = Path.Combine(outputDirectory, name);
            if (name == MarkerName && marker is not null)
            {
                continue; // ours: it has our header
            }

            if (!written.TryGetValue(name, out var digest))
            {
                throw Foreign(outputDirectory, name, proof);
            }

            if (digest == FolderDigest)
            {
                if (!Directory.Exists(path) || new FileInfo(path).LinkTarget is not null)
                {
                    throw Foreign(outputDirectory, name, "we wrote a folder there, and it is no longer one");
                }

                continue;
            }

            if (new FileInfo(path).LinkTarget is not null || InputFiles.WhyNotRegularFile(path) is not null)
            {
                throw Foreign(outputDirectory, name, "it is no longer the regular file we wrote");
            }

            if (stillAsWritten(path, digest))
            {
                continue;
            }

            if (FileDigests.Sha256Hex([path])[0] != digest)
            {
                throw Foreign(outputDirectory, name, "its content changed since the bundle was written");
            }
        }
    }

    /// <summary>Name → digest ("-" for a folder) from our marker; null when there is no marker of ours.</summary>
    private static Dictionary<string, string>? ReadMarker(string outputDirectory)
    {
        var path = Path.Combine(outputDirectory, MarkerName);
        if (new FileInfo(path).LinkTarget is not null || InputFiles.WhyNotRegularFile(path) is not null || new FileInfo(path).Length > 1 << 16)
        {
            return null;
        }

        var lines = File.ReadAllLines(path);
        if (lines.Length == 0 || lines[0] != Header)
        {
            return null;
        }

        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in lines.Skip(1))
        {
            if (line.Split("  ", 2) is [var digest, var name])
            {
                result[name] = digest;
            }
        }

        return result;
    }

    /// <summary>
    /// Bundles from before the marker: the project's stamp lists each output's full path and
    /// digest (empty for a folder). Null when there is none, or it is not ours, or names another folder.
    /// </summary>
    private static Dictionary<string, string>? ReadStamp(string outputDirectory, string? stampFile)
    {
        if (stampFile is null || InputFiles.WhyNotRegularFile(stampFile) is not null || new FileInfo(stampFile).Length > 1 << 20)
        {
            return null;
        }

        var lines = File.ReadAllLines(stampFile);
        if (lines.Length < 2 || lines[0] != UpToDateStamp.Header)
        {
            return null;
        }

        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in lines.Skip(2))
        {
            if (line.Split('\t') is [_, var path, _, _, var digest, ..] and { Length: <= 6 }
                && string.Equals(Path.GetDirectoryName(path), outputDirectory, StringComparison.Ordinal))
            {
                result[Path.GetFileName(path)] = digest.Length > 0 ? digest : FolderDigest;
            }
        }

        return result;
    }

    /// <summary>
    /// Whether a file is still the output the project's stamp recorded with that SHA-256: the
    /// stamp lists its path with the digest and the <c>statx</c> identity taken once the clock was
    /// past its ctime, and its identity now is that one (any write since sets a new ctime, a
    /// replacement has another inode). The proof of ownership without a hash, and the proof that
    /// the member cache's index still describes the file (<c>MemberCache</c>).
    /// </summary>
    public static Func<string, string, bool> StillAsWritten(string? stampFile)
    {
        var identities = StampIdentities(stampFile);
        return (path, digest) => identities.TryGetValue(path, out var recorded) && recorded.Digest == digest && recorded.Identity.Length > 0
            && UpToDateStamp.Identity(path) == recorded.Identity;
    }

    /// <summary>Full path → (digest, statx identity) of the outputs the project's stamp lists with an identity; empty for stamps before identities, or none.</summary>
    private static Dictionary<string, (string Digest, string Identity)> StampIdentities(string? stampFile)
    {
        var result = new Dictionary<string, (string, string)>(StringComparer.Ordinal);
        try
        {
            if (stampFile is null || InputFiles.WhyNotRegularFile(stampFile) is not null || new FileInfo(stampFile).Length > 1 << 20)
            {
                return result;
            }

            var lines = File.ReadAllLines(stampFile);
            if (lines.Length < 2 || lines[0] != UpToDateStamp.Header)
            {
                return result;
            }

            foreach (var line in lines.Skip(2))
            {
                if (line.Split('\t') is [var kind, var path, _, _, { Length: 64 } digest, { Length: > 0 } identity] && kind != UpToDateStamp.InputKind)
                {
                    result[path] = (digest, identity);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // no shortcut: every file is hashed
        }

        return result;
    }

    private static OciBundleException Foreign(string outputDirectory, string name, string reason) =>
        new(Diagnostic.Error(Messages.OutputFolderNotOurs, null, outputDirectory, name, reason));
}
