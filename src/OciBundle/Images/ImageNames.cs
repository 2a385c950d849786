using System.Text.RegularExpressions;

namespace OciBundle.Images;

/// <summary>
/// The grammar of image names and tags (the distribution project's reference grammar, which
/// Docker, containerd, podman and skopeo share), and the full name Docker and containerd file
/// an image under: docker.io/library/NAME for a one-part name, docker.io/NAME for one without a
/// registry host.
/// </summary>
public static partial class ImageNames
{
    public const int MaxNameLength = 255;

    public const string DefaultDomain = "docker.io";

    /// <summary>A tag: [A-Za-z0-9_][A-Za-z0-9._-]{0,127}.</summary>
    public static bool IsTag(string text) => Tag().IsMatch(text);

    /// <summary>Null when <paramref name="name"/> is a valid repository name (no tag, no digest); else why not, for OCIB1110.</summary>
    public static string? WhyNotRepository(string name)
    {
        if (name.Length == 0)
        {
            return "it is empty";
        }

        if (name.Length > MaxNameLength)
        {
            return $"it has {name.Length} characters";
        }

        if (name.Contains('@'))
        {
            return "it holds a digest ('@')";
        }

        var parts = name.Split('/');
        var first = 0;
        if (parts.Length > 1 && IsDomainLike(parts[0]))
        {
            if (!Domain().IsMatch(parts[0]))
            {
                return $"'{parts[0]}' is no registry host";
            }

            first = 1;
        }

        for (var i = first; i < parts.Length; i++)
        {
            var part = parts[i];
            if (part.Contains(':'))
            {
                return $"it holds a tag (':{part[(part.IndexOf(':') + 1)..]}')";
            }

            if (part.Any(char.IsAsciiLetterUpper))
            {
                return $"'{part}' has uppercase letters";
            }

            if (!PathComponent().IsMatch(part))
            {
                return part.Length == 0 ? "it has an empty part (two '/' in a row, or one at an end)" : $"'{part}' is not lowercase letters and digits with '.', '_', '__' or '-' between them";
            }
        }

        return null;
    }

    /// <summary>
    /// The name Docker and containerd give <paramref name="name"/> (already valid): with the
    /// registry host docker.io and, for one part, the library/ prefix, as `docker pull` does.
    /// </summary>
    public static string FullName(string name)
    {
        var slash = name.IndexOf('/');
        if (slash > 0 && IsDomainLike(name[..slash]))
        {
            return name;
        }

        return slash < 0 ? $"{DefaultDomain}/library/{name}" : $"{DefaultDomain}/{name}";
    }

    /// <summary>The first part names a registry host when it has a '.' or ':', is localhost, or has uppercase letters (distribution's rule).</summary>
    private static bool IsDomainLike(string part) =>
        part.Contains('.') || part.Contains(':') || part == "localhost" || part.Any(char.IsAsciiLetterUpper);

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}\z")]
    private static partial Regex Tag();

    [GeneratedRegex(@"^[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*\z")]
    private static partial Regex PathComponent();

    [GeneratedRegex(@"^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?))*(?::[0-9]+)?\z")]
    private static partial Regex Domain();
}
