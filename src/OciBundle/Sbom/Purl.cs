using System.Text;

namespace OciBundle.Sbom;

/// <summary>Package URLs (github.com/package-url/purl-spec) for the package kinds we list.</summary>
public static class Purl
{
    public static string NuGet(string name, string version) => $"pkg:nuget/{Encode(name)}@{Encode(version)}";

    public static string Debian(string name, string version, string architecture) =>
        $"pkg:deb/debian/{Encode(name)}@{Encode(version)}?arch={Encode(architecture)}";

    public static string Alpine(string name, string version, string architecture) =>
        $"pkg:apk/alpine/{Encode(name)}@{Encode(version)}?arch={Encode(architecture)}";

    /// <summary>
    /// The purl-spec's oci type: pkg:oci/NAME@sha256%3AHEX with the qualifiers sorted by key.
    /// NAME is the repository's last part, lowercase; the version is the manifest digest (the
    /// one thing that names an image's content), the tag and the repository only qualifiers.
    /// </summary>
    /// <param name="repository">Where the image may be found (repository_url, "ghcr.io/team/app"), or null.</param>
    public static string Oci(string repository, string digest, string? architecture, string? repositoryUrl, string? tag)
    {
        var name = repository[(repository.LastIndexOf('/') + 1)..].ToLowerInvariant();
        var qualifiers = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (!string.IsNullOrEmpty(architecture))
        {
            qualifiers["arch"] = architecture;
        }

        if (!string.IsNullOrEmpty(repositoryUrl))
        {
            qualifiers["repository_url"] = repositoryUrl;
        }

        if (!string.IsNullOrEmpty(tag))
        {
            qualifiers["tag"] = tag;
        }

        var purl = $"pkg:oci/{Encode(name)}@{Encode(digest)}";
        return qualifiers.Count == 0 ? purl : purl + "?" + string.Join('&', qualifiers.Select(q => $"{q.Key}={EncodeQualifier(q.Value)}"));
    }

    /// <summary>A qualifier value: '/' stays (repository_url=ghcr.io/team/app, as the purl-spec's examples write it).</summary>
    private static string EncodeQualifier(string value) => string.Join('/', value.Split('/').Select(Encode));

    /// <summary>Percent-encodes (UTF-8) every character but the unreserved ones and '+' (common in versions; purl tools keep it).</summary>
    public static string Encode(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            var c = (char)b;
            if (b < 0x80 && (char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or '~' or '+'))
            {
                builder.Append(c);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }
}
