using System.Text.Json;

namespace OciBundle.Sbom;

/// <summary>
/// The NuGet packages a .NET publish resolved, from its <c>*.deps.json</c>: libraries of type
/// <c>package</c> and <c>runtimepack</c> with their version, NuGet's SHA-512 (when recorded) and
/// the files they put in the publish folder (runtime, native and resource assets, by the relative
/// path a publish gives them: the file name, or culture/file name for resources).
/// </summary>
public static class DepsJson
{
    /// <summary>One NuGet package of the app.</summary>
    /// <param name="Sha512Hex">Lower-case hex of the package's SHA-512, or null when deps.json has none.</param>
    /// <param name="Assets">Relative paths in the publish folder ("Newtonsoft.Json.dll", "de/App.resources.dll").</param>
    public sealed record Package(string Name, string Version, string Type, string? Sha512Hex, IReadOnlySet<string> Assets);

    private const string RuntimePackPrefix = "runtimepack.";

    /// <summary>
    /// The packages in <paramref name="json"/>, sorted by name then version. Throws
    /// <see cref="FormatException"/> for a file that is not a deps.json (not JSON, or a wrong shape).
    /// </summary>
    public static IReadOnlyList<Package> Parse(ReadOnlySpan<byte> json)
    {
        // JsonDocument accepts invalid UTF-8 inside strings and throws only when one is read
        // (found by fuzzing): refuse it up front, as the .NET host would.
        if (!System.Text.Unicode.Utf8.IsValid(json))
        {
            throw new FormatException("not valid UTF-8");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip, MaxDepth = 64 });
        }
        catch (JsonException e)
        {
            throw new FormatException($"not JSON: {e.Message}", e);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("the top level is not an object");
            }

            var assets = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
            if (root.TryGetProperty("targets", out var targets) && targets.ValueKind == JsonValueKind.Object)
            {
                foreach (var target in targets.EnumerateObject().Where(t => t.Value.ValueKind == JsonValueKind.Object))
                {
                    foreach (var library in target.Value.EnumerateObject().Where(l => l.Value.ValueKind == JsonValueKind.Object))
                    {
                        if (!assets.TryGetValue(library.Name, out var files))
                        {
                            assets[library.Name] = files = new HashSet<string>(StringComparer.Ordinal);
                        }

                        AddAssets(library.Value, files);
                    }
                }
            }

            var packages = new List<Package>();
            if (root.TryGetProperty("libraries", out var libraries) && libraries.ValueKind == JsonValueKind.Object)
            {
                foreach (var library in libraries.EnumerateObject())
                {
                    if (library.Value.ValueKind != JsonValueKind.Object
                        || !library.Value.TryGetProperty("type", out var typeElement) || typeElement.ValueKind != JsonValueKind.String)
                    {
                        continue;
                    }

                    var type = typeElement.GetString()!;
                    if (type is not ("package" or "runtimepack"))
                    {
                        continue; // "project" (the app and its project references) and "reference": no NuGet package
                    }

                    var slash = library.Name.LastIndexOf('/');
                    if (slash <= 0 || slash == library.Name.Length - 1)
                    {
                        continue;
                    }

                    var name = library.Name[..slash];
                    if (type == "runtimepack" && name.StartsWith(RuntimePackPrefix, StringComparison.Ordinal) && name.Length > RuntimePackPrefix.Length)
                    {
                        name = name[RuntimePackPrefix.Length..];
                    }

                    var sha512 = library.Value.TryGetProperty("sha512", out var hash) && hash.ValueKind == JsonValueKind.String
                        ? Sha512Hex(hash.GetString()!)
                        : null;
                    packages.Add(new Package(
                        name,
                        library.Name[(slash + 1)..],
                        type,
                        sha512,
                        assets.TryGetValue(library.Name, out var files) ? files : new HashSet<string>(StringComparer.Ordinal)));
                }
            }

            return packages
                .OrderBy(p => p.Name, StringComparer.OrdinalIgnoreCase)
                .ThenBy(p => p.Name, StringComparer.Ordinal)
                .ThenBy(p => p.Version, StringComparer.Ordinal)
                .ToList();
        }
    }

    /// <summary>NuGet's "sha512-BASE64" as lower-case hex; null when empty or not 64 bytes of base64.</summary>
    public static string? Sha512Hex(string value)
    {
        const string Prefix = "sha512-";
        var text = value.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) ? value[Prefix.Length..] : value;
        if (text.Length == 0)
        {
            return null;
        }

        var bytes = new byte[64];
        return Convert.TryFromBase64String(text, bytes, out var written) && written == 64
            ? Convert.ToHexString(bytes).ToLowerInvariant()
            : null;
    }

    /// <summary>
    /// A publish flattens runtime and native assets into the app folder by file name, and puts
    /// resource assemblies in a folder named for their culture.
    /// </summary>
    private static void AddAssets(JsonElement library, HashSet<string> files)
    {
        foreach (var section in new[] { "runtime", "native", "runtimeTargets" })
        {
            if (library.TryGetProperty(section, out var assets) && assets.ValueKind == JsonValueKind.Object)
            {
                foreach (var asset in assets.EnumerateObject())
                {
                    if (FileName(asset.Name) is { } file)
                    {
                        files.Add(file);
                    }
                }
            }
        }

        if (library.TryGetProperty("resources", out var resources) && resources.ValueKind == JsonValueKind.Object)
        {
            foreach (var resource in resources.EnumerateObject())
            {
                var culture = resource.Value.ValueKind == JsonValueKind.Object && resource.Value.TryGetProperty("locale", out var locale) && locale.ValueKind == JsonValueKind.String
                    ? locale.GetString()
                    : null;
                if (FileName(resource.Name) is { } file && !string.IsNullOrEmpty(culture) && !culture.Contains('/', StringComparison.Ordinal) && culture is not ("." or ".."))
                {
                    files.Add(culture + "/" + file);
                }
            }
        }
    }

    private static string? FileName(string assetPath)
    {
        var name = assetPath.Replace('\\', '/');
        name = name[(name.LastIndexOf('/') + 1)..];
        return name.Length == 0 || name is "." or ".." || name == "_._" ? null : name;
    }
}
