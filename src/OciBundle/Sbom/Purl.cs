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
