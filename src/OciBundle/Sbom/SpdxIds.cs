using System.Security.Cryptography;
using System.Text;

namespace OciBundle.Sbom;

/// <summary>
/// SPDX identifiers ("SPDXRef-" then letters, digits, '.' and '-'), deterministic and unique in
/// a document: made from the element's own name, and when two names map to the same identifier
/// (they differ only in characters SPDX does not allow), the later ones in sorted order get a
/// digest of their full name appended.
/// </summary>
public sealed class SpdxIds
{
    private readonly HashSet<string> _used = new(StringComparer.Ordinal) { SpdxDocument.DocumentId };

    /// <summary>Letters, digits, '.' and '-' kept; any other character (or run of them) becomes one '-'.</summary>
    public static string Sanitize(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (char.IsAsciiLetterOrDigit(c) || c is '.' or '-')
            {
                builder.Append(c);
            }
            else if (builder.Length == 0 || builder[^1] != '-')
            {
                builder.Append('-');
            }
        }

        var result = builder.ToString().Trim('-');
        return result.Length == 0 ? "x" : result;
    }

    /// <summary>A new identifier "SPDXRef-{kind}-{name}" for the element named <paramref name="name"/>.</summary>
    public string New(string kind, string name)
    {
        var id = $"SPDXRef-{kind}-{Sanitize(name)}";
        if (_used.Add(id))
        {
            return id;
        }

        var digest = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(kind + "\n" + name))).ToLowerInvariant();
        for (var length = 8; ; length += 8)
        {
            var unique = $"{id}-{digest[..Math.Min(length, digest.Length)]}";
            if (_used.Add(unique))
            {
                return unique;
            }

            if (length >= digest.Length)
            {
                for (var n = 2; ; n++)
                {
                    if (_used.Add($"{unique}-{n}"))
                    {
                        return $"{unique}-{n}";
                    }
                }
            }
        }
    }
}
