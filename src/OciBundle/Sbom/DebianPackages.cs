namespace OciBundle.Sbom;

/// <summary>
/// Debian's package database as a sysroot or a base rootfs holds it: <c>var/lib/dpkg/status</c>
/// (RFC 822-style paragraphs: Package, Status, Version, Architecture, Maintainer) and
/// <c>var/lib/dpkg/info/NAME[:ARCH].list</c> (the paths each package installed, one a line).
/// </summary>
public static class DebianPackages
{
    /// <summary>One installed package.</summary>
    public sealed record Package(string Name, string Version, string Architecture, string? Maintainer);

    /// <summary>
    /// The installed packages of a status file ("install ok installed"; half-installed and
    /// removed ones are not on the system), keyed by name and by name:arch for Multi-Arch ones.
    /// </summary>
    public static IReadOnlyList<Package> ParseStatus(string text)
    {
        var result = new List<Package>();
        foreach (var paragraph in Paragraphs(text))
        {
            if (paragraph.TryGetValue("Package", out var name) && paragraph.TryGetValue("Version", out var version)
                && paragraph.TryGetValue("Status", out var status) && status.EndsWith(" installed", StringComparison.Ordinal)
                && IsName(name) && version.Length > 0 && !version.Any(char.IsWhiteSpace))
            {
                var architecture = paragraph.TryGetValue("Architecture", out var a) && IsName(a) ? a : "all";
                result.Add(new Package(name, version, architecture, paragraph.GetValueOrDefault("Maintainer")));
            }
        }

        return result
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .ThenBy(p => p.Architecture, StringComparer.Ordinal)
            .ThenBy(p => p.Version, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>The fields of each paragraph (continuation lines dropped: none we read spans lines).</summary>
    public static IEnumerable<Dictionary<string, string>> Paragraphs(string text)
    {
        var current = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Trim().Length == 0)
            {
                if (current.Count > 0)
                {
                    yield return current;
                    current = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                }

                continue;
            }

            if (line[0] is ' ' or '\t' or '#')
            {
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                current.TryAdd(line[..colon].Trim(), line[(colon + 1)..].Trim());
            }
        }

        if (current.Count > 0)
        {
            yield return current;
        }
    }

    /// <summary>The package a .list file belongs to: "libc6:amd64.list" → ("libc6", "amd64"), "bash.list" → ("bash", null).</summary>
    public static (string Name, string? Architecture)? ListOwner(string fileName)
    {
        if (!fileName.EndsWith(".list", StringComparison.Ordinal))
        {
            return null;
        }

        var stem = fileName[..^".list".Length];
        var colon = stem.IndexOf(':', StringComparison.Ordinal);
        var (name, architecture) = colon < 0 ? (stem, null) : (stem[..colon], stem[(colon + 1)..]);
        return IsName(name) && (architecture is null || IsName(architecture)) ? (name, architecture) : null;
    }

    /// <summary>
    /// A path as both dpkg and the rootfs may write it, so the two meet: no leading '/', and the
    /// merged-/usr aliases folded (/lib/x → usr/lib/x), since Debian's .list files name the
    /// package's own paths while the file may be reached through the /lib → usr/lib link.
    /// </summary>
    public static string Canonical(string path)
    {
        var p = path.Trim().TrimStart('/');
        if (p.StartsWith("./", StringComparison.Ordinal))
        {
            p = p[2..];
        }

        foreach (var top in new[] { "lib", "lib32", "lib64", "libx32", "bin", "sbin" })
        {
            if (p == top || p.StartsWith(top + "/", StringComparison.Ordinal))
            {
                return "usr/" + p;
            }
        }

        return p;
    }

    /// <summary>The paths of a .list file, canonical (see <see cref="Canonical"/>).</summary>
    public static IEnumerable<string> ListPaths(string text) =>
        text.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.StartsWith('/') && l.Length > 1 && l != "/.").Select(Canonical);

    /// <summary>
    /// The license of a machine-readable copyright file (DEP-5) when its "Files: *" paragraph (or,
    /// failing that, its header) names one SPDX license expression of known identifiers; else null.
    /// Debian's own short names ("GPL-2+", "BSD-3-clause") are not SPDX identifiers and are not guessed at.
    /// </summary>
    public static string? CopyrightLicense(string text)
    {
        var paragraphs = Paragraphs(text).ToList();
        if (paragraphs.Count == 0 || !paragraphs[0].TryGetValue("Format", out var format)
            || !format.Contains("copyright-format/1.0", StringComparison.Ordinal))
        {
            return null;
        }

        var all = paragraphs.FirstOrDefault(p => p.TryGetValue("Files", out var files) && files.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains("*"));
        var license = all?.GetValueOrDefault("License") ?? paragraphs[0].GetValueOrDefault("License");
        return license is null ? null : SpdxLicenses.Expression(license);
    }

    /// <summary>Package and architecture names: Debian policy's characters only.</summary>
    public static bool IsName(string text) =>
        text.Length is > 0 and <= 128 && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '+' or '-');
}
