namespace OciBundle.Sbom;

/// <summary>
/// Alpine's package database, <c>lib/apk/db/installed</c>: one paragraph per package of
/// "X:value" lines (P name, V version, A architecture, L license, m maintainer; F a folder and
/// R a file in the last F).
/// </summary>
public static class AlpinePackages
{
    /// <summary>One installed package and the canonical paths of its files.</summary>
    public sealed record Package(string Name, string Version, string Architecture, string? License, string? Maintainer, IReadOnlyList<string> Files);

    public static IReadOnlyList<Package> Parse(string text)
    {
        var result = new List<Package>();
        string? name = null, version = null, architecture = null, license = null, maintainer = null, folder = null;
        var files = new List<string>();
        void Flush()
        {
            if (name is not null && version is not null && DebianPackages.IsName(name) && version.Length > 0 && !version.Any(char.IsWhiteSpace))
            {
                result.Add(new Package(name, version, architecture is { } a && a.Length is > 0 and <= 64 && a.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.') ? a : "noarch", license, maintainer, files));
            }

            name = version = architecture = license = maintainer = folder = null;
            files = [];
        }

        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0)
            {
                Flush();
                continue;
            }

            if (line.Length < 2 || line[1] != ':')
            {
                continue;
            }

            var value = line[2..];
            switch (line[0])
            {
                case 'P': name = value; break;
                case 'V': version = value; break;
                case 'A': architecture = value; break;
                case 'L': license = value; break;
                case 'm': maintainer = value; break;
                case 'F': folder = value.Trim('/'); break;
                case 'R' when value.Length > 0 && !value.Contains('/', StringComparison.Ordinal):
                    files.Add(DebianPackages.Canonical(folder is { Length: > 0 } f ? f + "/" + value : value));
                    break;
            }
        }

        Flush();
        return result
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .ThenBy(p => p.Version, StringComparer.Ordinal)
            .ToList();
    }
}
