namespace OciBundle.Sbom;

/// <summary>
/// The SPDX license identifiers we accept from package metadata: the common ones of the SPDX
/// license list. An identifier outside it (or a distribution's own short name) gives NOASSERTION
/// rather than a guess: a wrong license in a bill of materials is worse than none.
/// </summary>
public static class SpdxLicenses
{
    private static readonly string[] Known =
    [
        "0BSD", "AFL-2.1", "AFL-3.0", "AGPL-3.0-only", "AGPL-3.0-or-later", "Apache-1.1", "Apache-2.0", "APSL-2.0",
        "Artistic-1.0", "Artistic-1.0-Perl", "Artistic-2.0", "Beerware", "BSD-1-Clause", "BSD-2-Clause", "BSD-2-Clause-Patent",
        "BSD-3-Clause", "BSD-4-Clause", "BSL-1.0", "bzip2-1.0.6", "CC-BY-3.0", "CC-BY-4.0", "CC-BY-SA-3.0", "CC-BY-SA-4.0",
        "CC0-1.0", "CDDL-1.0", "CDDL-1.1", "curl", "EPL-1.0", "EPL-2.0", "EUPL-1.1", "EUPL-1.2", "FSFAP", "FSFUL", "FSFULLR",
        "FTL", "GFDL-1.2-only", "GFDL-1.2-or-later", "GFDL-1.3-only", "GFDL-1.3-or-later", "GPL-1.0-only", "GPL-1.0-or-later",
        "GPL-2.0-only", "GPL-2.0-or-later", "GPL-3.0-only", "GPL-3.0-or-later", "HPND", "ICU", "IJG", "ISC", "LGPL-2.0-only",
        "LGPL-2.0-or-later", "LGPL-2.1-only", "LGPL-2.1-or-later", "LGPL-3.0-only", "LGPL-3.0-or-later", "Libpng", "libtiff",
        "MIT", "MIT-0", "MPL-1.1", "MPL-2.0", "MS-PL", "MS-RL", "NCSA", "OpenSSL", "OFL-1.1", "PHP-3.01", "PostgreSQL", "PSF-2.0",
        "Python-2.0", "Ruby", "Sleepycat", "Unicode-3.0", "Unicode-DFS-2016", "Unlicense", "UPL-1.0", "Vim", "W3C", "WTFPL",
        "X11", "Zlib", "ZPL-2.1",
    ];

    private static readonly Dictionary<string, string> ById = Known.ToDictionary(k => k, StringComparer.OrdinalIgnoreCase);

    /// <summary>The canonical spelling of one known identifier, or null.</summary>
    public static string? Canonical(string id) => ById.GetValueOrDefault(id.Trim());

    /// <summary>
    /// <paramref name="text"/>'s first line as an SPDX expression of known identifiers joined by
    /// AND, OR or WITH (exceptions are not checked beyond their shape), canonically spelled; else null.
    /// </summary>
    public static string? Expression(string text)
    {
        var line = text.Split('\n')[0].Trim();
        if (line.Length == 0 || line.Length > 200 || line.Contains('(', StringComparison.Ordinal))
        {
            return null;
        }

        var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var output = new List<string>();
        for (var i = 0; i < words.Length; i++)
        {
            if (i % 2 == 1)
            {
                var op = words[i].ToUpperInvariant();
                if (op is not ("AND" or "OR" or "WITH"))
                {
                    return null;
                }

                output.Add(op);
                continue;
            }

            if (i > 0 && output[^1] == "WITH")
            {
                if (!words[i].All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-'))
                {
                    return null;
                }

                output.Add(words[i]);
                continue;
            }

            if (Canonical(words[i]) is not { } id)
            {
                return null;
            }

            output.Add(id);
        }

        return words.Length % 2 == 1 ? string.Join(' ', output) : null;
    }
}
