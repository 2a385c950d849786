using System.Text.Json;

namespace OciBundle.Images.Sources;

/// <summary>A JSON document of an image that is not what its kind requires; <see cref="BadDigest"/> when the fault is a digest we cannot read.</summary>
internal sealed class ImageFormatException(string message, string? badDigest = null) : Exception(message)
{
    public string? BadDigest { get; } = badDigest;
}

/// <summary>One entry of an index: a manifest or a nested index, its platform and ref name when given.</summary>
/// <param name="ArtifactType">The descriptor's artifactType (image-spec 1.1): set on an artifact (an SBOM, a signature) listed beside the images, never on an image.</param>
internal sealed record IndexEntry(Descriptor Descriptor, ImagePlatform? Platform, string? RefName, string? ArtifactType = null);

/// <summary>An image manifest: its config and layers.</summary>
internal sealed record ManifestDocument(string? MediaType, Descriptor Config, IReadOnlyList<Descriptor> Layers);

/// <summary>One image of docker save's manifest.json: member names of its config and layers.</summary>
internal sealed record DockerArchiveImage(string Config, IReadOnlyList<string> RepoTags, IReadOnlyList<string> Layers);

/// <summary>
/// Parsers of the JSON an image holds (index.json, manifests, configs, docker save's
/// manifest.json). Untrusted input: anything unexpected is an <see cref="ImageFormatException"/>
/// with a short reason; never another exception (the fuzz target "image" holds them to that).
/// Absent optional fields and JSON null read as empty, as Go's encoding/json writes them.
/// </summary>
internal static class ImageJson
{
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 64 };

    public static IReadOnlyList<IndexEntry> ParseIndex(ReadOnlySpan<byte> json) => Guarded(ParseIndexUnguarded, json.ToArray());

    private static IReadOnlyList<IndexEntry> ParseIndexUnguarded(byte[] json)
    {
        using var document = Parse(json);
        var root = Object(document.RootElement, "the document");
        var entries = new List<IndexEntry>();
        foreach (var item in Array(root, "manifests", required: true))
        {
            var descriptor = ReadDescriptor(Object(item, "an entry of manifests"), "an entry of manifests");
            ImagePlatform? platform = null;
            if (Property(item, "platform") is { } p)
            {
                var platformObject = Object(p, "platform");
                platform = new ImagePlatform(
                    String(platformObject, "os") ?? "",
                    String(platformObject, "architecture") ?? "",
                    NullIfEmpty(String(platformObject, "variant")));
            }

            entries.Add(new IndexEntry(descriptor, platform, Annotations(item).GetValueOrDefault(MediaTypes.RefNameAnnotation), NullIfEmpty(String(item, "artifactType"))));
        }

        return entries;
    }

    public static ManifestDocument ParseManifest(ReadOnlySpan<byte> json) => Guarded(ParseManifestUnguarded, json.ToArray());

    private static ManifestDocument ParseManifestUnguarded(byte[] json)
    {
        using var document = Parse(json);
        var root = Object(document.RootElement, "the document");
        if (Property(root, "config") is not { } config)
        {
            throw new ImageFormatException("it has no config");
        }

        var layers = Array(root, "layers", required: false)
            .Select(l => ReadDescriptor(Object(l, "an entry of layers"), "an entry of layers"))
            .ToList();
        return new ManifestDocument(String(root, "mediaType"), ReadDescriptor(Object(config, "config"), "config"), layers);
    }

    /// <summary>The mediaType a manifest or index says it is, to tell them apart where the descriptor does not.</summary>
    public static string? ParseMediaType(ReadOnlySpan<byte> json) => Guarded(ParseMediaTypeUnguarded, json.ToArray());

    private static string? ParseMediaTypeUnguarded(byte[] json)
    {
        using var document = Parse(json);
        return String(Object(document.RootElement, "the document"), "mediaType");
    }

    public static ImageConfig ParseConfig(ReadOnlySpan<byte> json) => Guarded(ParseConfigUnguarded, json.ToArray());

    private static ImageConfig ParseConfigUnguarded(byte[] json)
    {
        using var document = Parse(json);
        var root = Object(document.RootElement, "the document");
        var config = Property(root, "config") is { } c ? Object(c, "config") : default;
        var hasConfig = config.ValueKind == JsonValueKind.Object;
        var rootfs = Property(root, "rootfs") is { } r ? Object(r, "rootfs") : default;

        var labels = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (hasConfig && Property(config, "Labels") is { } labelsElement)
        {
            foreach (var label in Object(labelsElement, "config.Labels").EnumerateObject())
            {
                labels[label.Name] = label.Value.ValueKind == JsonValueKind.String
                    ? label.Value.GetString()!
                    : throw new ImageFormatException($"config.Labels[\"{Shown(label.Name)}\"] is not a string");
            }
        }

        var ports = new SortedSet<string>(StringComparer.Ordinal);
        if (hasConfig && Property(config, "ExposedPorts") is { } portsElement)
        {
            foreach (var port in Object(portsElement, "config.ExposedPorts").EnumerateObject())
            {
                ports.Add(port.Name);
            }
        }

        var diffIds = rootfs.ValueKind == JsonValueKind.Object ? Strings(rootfs, "diff_ids", "rootfs.diff_ids") : [];
        foreach (var diffId in diffIds)
        {
            CheckDigest(diffId, "rootfs.diff_ids");
        }

        return new ImageConfig
        {
            Os = String(root, "os") ?? "",
            Architecture = String(root, "architecture") ?? "",
            Variant = NullIfEmpty(String(root, "variant")),
            Env = hasConfig ? Strings(config, "Env", "config.Env") : [],
            Entrypoint = hasConfig ? Strings(config, "Entrypoint", "config.Entrypoint") : [],
            Cmd = hasConfig ? Strings(config, "Cmd", "config.Cmd") : [],
            WorkingDir = hasConfig ? NullIfEmpty(String(config, "WorkingDir")) : null,
            User = hasConfig ? NullIfEmpty(String(config, "User")) : null,
            Labels = labels,
            StopSignal = hasConfig ? NullIfEmpty(String(config, "StopSignal")) : null,
            ExposedPorts = [.. ports],
            DiffIds = diffIds,
        };
    }

    /// <summary>docker save's manifest.json: an array of { Config, RepoTags, Layers }.</summary>
    public static IReadOnlyList<DockerArchiveImage> ParseDockerManifest(ReadOnlySpan<byte> json) => Guarded(ParseDockerManifestUnguarded, json.ToArray());

    private static IReadOnlyList<DockerArchiveImage> ParseDockerManifestUnguarded(byte[] json)
    {
        using var document = Parse(json);
        if (document.RootElement.ValueKind != JsonValueKind.Array)
        {
            throw new ImageFormatException("it is not a JSON array");
        }

        var images = new List<DockerArchiveImage>();
        foreach (var item in document.RootElement.EnumerateArray())
        {
            var image = Object(item, "an entry");
            var config = String(image, "Config") ?? throw new ImageFormatException("an entry has no Config");
            images.Add(new DockerArchiveImage(config, Strings(image, "RepoTags", "RepoTags"), Strings(image, "Layers", "Layers")));
        }

        return images;
    }

    /// <summary>A sha256 digest we can name a file by: "sha256:" and 64 lowercase hex digits.</summary>
    public static bool IsSha256Digest(string digest) =>
        digest.Length == 71 && digest.StartsWith("sha256:", StringComparison.Ordinal)
        && digest.AsSpan(7).IndexOfAnyExcept("0123456789abcdef") < 0;

    private static Descriptor ReadDescriptor(JsonElement element, string what)
    {
        var digest = String(element, "digest") ?? throw new ImageFormatException($"{what} has no digest");
        CheckDigest(digest, what);
        if (Property(element, "size") is not { } sizeElement || sizeElement.ValueKind != JsonValueKind.Number
            || !sizeElement.TryGetInt64(out var size) || size < 0)
        {
            throw new ImageFormatException($"{what} has no size that is a whole number from 0 up");
        }

        return new Descriptor(String(element, "mediaType") ?? "", digest, size);
    }

    private static void CheckDigest(string digest, string what)
    {
        if (!IsSha256Digest(digest))
        {
            throw new ImageFormatException($"{what} has the digest '{Shown(digest)}'", Shown(digest));
        }
    }

    private static Dictionary<string, string> Annotations(JsonElement element)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (Property(element, "annotations") is { } annotations)
        {
            foreach (var a in Object(annotations, "annotations").EnumerateObject())
            {
                if (a.Value.ValueKind == JsonValueKind.String)
                {
                    result[a.Name] = a.Value.GetString()!;
                }
            }
        }

        return result;
    }

    /// <summary>Strings with escaped lone surrogates ("\ud800") parse, but reading them throws: that is bad input too.</summary>
    private static T Guarded<T>(Func<byte[], T> parse, byte[] json)
    {
        try
        {
            return parse(json);
        }
        catch (InvalidOperationException e)
        {
            throw new ImageFormatException("it holds a string that is not valid text: " + e.Message.TrimEnd('.'));
        }
    }

    private static JsonDocument Parse(byte[] json)
    {
        try
        {
            return JsonDocument.Parse(json, Options);
        }
        catch (JsonException e)
        {
            throw new ImageFormatException("it is not valid JSON: " + e.Message.TrimEnd('.'));
        }
        catch (ArgumentException e)
        {
            throw new ImageFormatException("it is not valid JSON: " + e.Message.TrimEnd('.'));
        }
    }

    /// <summary>A property's value; null when absent or JSON null.</summary>
    private static JsonElement? Property(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    private static JsonElement Object(JsonElement element, string what) =>
        element.ValueKind == JsonValueKind.Object ? element : throw new ImageFormatException($"{what} is not a JSON object");

    private static string? String(JsonElement element, string name) =>
        Property(element, name) is not { } value ? null
        : value.ValueKind == JsonValueKind.String ? value.GetString()
        : throw new ImageFormatException($"{name} is not a string");

    private static IEnumerable<JsonElement> Array(JsonElement element, string name, bool required)
    {
        if (Property(element, name) is not { } value)
        {
            return required ? throw new ImageFormatException($"it has no {name}") : [];
        }

        return value.ValueKind == JsonValueKind.Array ? value.EnumerateArray().ToList() : throw new ImageFormatException($"{name} is not a JSON array");
    }

    private static List<string> Strings(JsonElement element, string name, string what) =>
        Array(element, name, required: false)
            .Select(v => v.ValueKind == JsonValueKind.String ? v.GetString()! : throw new ImageFormatException($"{what} holds a value that is not a string"))
            .ToList();

    private static string? NullIfEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;

    /// <summary>Untrusted text for a message: at most 100 characters, control characters as \uNNNN.</summary>
    internal static string Shown(string text)
    {
        var cut = text.Length > 100 ? text[..100] + "..." : text;
        return string.Concat(cut.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));
    }
}
