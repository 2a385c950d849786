using System.Text.Encodings.Web;
using System.Text.Json;
using OciBundle.Images;

namespace OciBundle.Output.Image;

/// <summary>One entry of the config's history: what made a layer.</summary>
public sealed record HistoryEntry(string? Created, string CreatedBy, string? Comment = null);

/// <summary>One name of the image in index.json: the tag (ref.name) and the full name Docker and containerd use.</summary>
public sealed record ImageRef(string FullName, string Tag);

/// <summary>
/// The image's JSON documents, written field by field in a fixed order with no whitespace, so
/// their bytes (and digests) depend only on their content.
/// </summary>
public static class ImageJson
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>application/vnd.oci.image.config.v1+json.</summary>
    public static byte[] Config(ImageConfig config, string created, IReadOnlyList<HistoryEntry> history) => Write(w =>
    {
        w.WriteString("created", created);
        w.WriteString("architecture", config.Architecture);
        if (config.Variant is { } variant)
        {
            w.WriteString("variant", variant);
        }

        w.WriteString("os", config.Os);
        w.WriteStartObject("config");
        if (config.User is { } user)
        {
            w.WriteString("User", user);
        }

        if (config.ExposedPorts.Count > 0)
        {
            w.WriteStartObject("ExposedPorts");
            foreach (var port in config.ExposedPorts)
            {
                w.WriteStartObject(port);
                w.WriteEndObject();
            }

            w.WriteEndObject();
        }

        StringArray(w, "Env", config.Env);
        StringArray(w, "Entrypoint", config.Entrypoint);
        StringArray(w, "Cmd", config.Cmd);
        if (config.WorkingDir is { } cwd)
        {
            w.WriteString("WorkingDir", cwd);
        }

        if (config.Labels.Count > 0)
        {
            w.WriteStartObject("Labels");
            foreach (var (key, value) in config.Labels.OrderBy(l => l.Key, StringComparer.Ordinal))
            {
                w.WriteString(key, value);
            }

            w.WriteEndObject();
        }

        if (config.StopSignal is { } signal)
        {
            w.WriteString("StopSignal", signal);
        }

        w.WriteEndObject();
        w.WriteStartObject("rootfs");
        w.WriteString("type", "layers");
        w.WriteStartArray("diff_ids");
        foreach (var id in config.DiffIds)
        {
            w.WriteStringValue(id);
        }

        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteStartArray("history");
        foreach (var h in history)
        {
            w.WriteStartObject();
            if (h.Created is { } when)
            {
                w.WriteString("created", when);
            }

            w.WriteString("created_by", h.CreatedBy);
            if (h.Comment is { } comment)
            {
                w.WriteString("comment", comment);
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
    });

    /// <summary>application/vnd.oci.image.manifest.v1+json.</summary>
    public static byte[] Manifest(Descriptor config, IReadOnlyList<Descriptor> layers, IReadOnlyDictionary<string, string> annotations) => Write(w =>
    {
        w.WriteNumber("schemaVersion", 2);
        w.WriteString("mediaType", MediaTypes.ImageManifest);
        w.WritePropertyName("config");
        WriteDescriptor(w, config);
        w.WriteStartArray("layers");
        foreach (var layer in layers)
        {
            WriteDescriptor(w, layer);
        }

        w.WriteEndArray();
        Annotations(w, annotations);
    });

    /// <summary>
    /// An artifact manifest (image-spec 1.1, "guidelines for artifact usage"), as `oras attach`
    /// writes it: the empty config, one layer with the attached file, and the image manifest
    /// it refers to as its subject.
    /// </summary>
    public static byte[] ArtifactManifest(string artifactType, Descriptor emptyConfig, Descriptor layer, string title, Descriptor subject, string created) => Write(w =>
    {
        w.WriteNumber("schemaVersion", 2);
        w.WriteString("mediaType", MediaTypes.ImageManifest);
        w.WriteString("artifactType", artifactType);
        w.WritePropertyName("config");
        WriteDescriptor(w, emptyConfig);
        w.WriteStartArray("layers");
        WriteDescriptor(w, layer, inner => Annotations(inner, new SortedDictionary<string, string>(StringComparer.Ordinal) { [MediaTypes.TitleAnnotation] = title }));
        w.WriteEndArray();
        w.WritePropertyName("subject");
        WriteDescriptor(w, subject);
        Annotations(w, new SortedDictionary<string, string>(StringComparer.Ordinal) { [MediaTypes.CreatedAnnotation] = created });
    });

    /// <summary>The empty JSON blob an artifact's config points at.</summary>
    public static byte[] Empty() => "{}"u8.ToArray();

    /// <summary>
    /// index.json of the layout: the manifest once per name, each with its platform and names;
    /// then each artifact that refers to it, unnamed, with its artifactType (as oras-go's OCI
    /// layout store lists referrers, so a tool that walks index.json finds them).
    /// </summary>
    public static byte[] Index(Descriptor manifest, ImageConfig config, IReadOnlyList<ImageRef> refs, IReadOnlyList<(Descriptor Manifest, string ArtifactType)>? referrers = null) => Write(w =>
    {
        w.WriteNumber("schemaVersion", 2);
        w.WriteString("mediaType", MediaTypes.ImageIndex);
        w.WriteStartArray("manifests");
        foreach (var r in refs)
        {
            WriteDescriptor(w, manifest, inner =>
            {
                inner.WriteStartObject("platform");
                inner.WriteString("architecture", config.Architecture);
                inner.WriteString("os", config.Os);
                if (config.Variant is { } variant)
                {
                    inner.WriteString("variant", variant);
                }

                inner.WriteEndObject();
                Annotations(inner, new SortedDictionary<string, string>(StringComparer.Ordinal)
                {
                    [MediaTypes.ContainerdNameAnnotation] = $"{r.FullName}:{r.Tag}",
                    [MediaTypes.RefNameAnnotation] = r.Tag,
                });
            });
        }

        foreach (var (artifact, artifactType) in referrers ?? [])
        {
            WriteDescriptor(w, artifact, inner => inner.WriteString("artifactType", artifactType));
        }

        w.WriteEndArray();
    });

    /// <summary>
    /// manifest.json of `docker save`'s format, beside the OCI layout's files (as Docker 25's own
    /// `docker save` writes both): what `docker load` before 25 reads, so one image.tar loads
    /// into every Docker. Paths are the layout's blobs.
    /// </summary>
    public static byte[] DockerArchiveManifest(Descriptor config, IReadOnlyList<Descriptor> layers, IReadOnlyList<string> repoTags)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, Options))
        {
            w.WriteStartArray();
            w.WriteStartObject();
            w.WriteString("Config", BlobName(config));
            w.WriteStartArray("RepoTags");
            foreach (var tag in repoTags)
            {
                w.WriteStringValue(tag);
            }

            w.WriteEndArray();
            w.WriteStartArray("Layers");
            foreach (var layer in layers)
            {
                w.WriteStringValue(BlobName(layer));
            }

            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndArray();
        }

        return buffer.ToArray();
    }

    private static string BlobName(Descriptor d) => "blobs/sha256/" + d.Digest["sha256:".Length..];

    /// <summary>The oci-layout file.</summary>
    public static byte[] Layout() => Write(w => w.WriteString("imageLayoutVersion", "1.0.0"));

    private static void WriteDescriptor(Utf8JsonWriter w, Descriptor d, Action<Utf8JsonWriter>? more = null)
    {
        w.WriteStartObject();
        w.WriteString("mediaType", d.MediaType);
        w.WriteString("digest", d.Digest);
        w.WriteNumber("size", d.Size);
        more?.Invoke(w);
        w.WriteEndObject();
    }

    private static void Annotations(Utf8JsonWriter w, IReadOnlyDictionary<string, string> annotations)
    {
        if (annotations.Count == 0)
        {
            return;
        }

        w.WriteStartObject("annotations");
        foreach (var (key, value) in annotations.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            w.WriteString(key, value);
        }

        w.WriteEndObject();
    }

    private static void StringArray(Utf8JsonWriter w, string name, IReadOnlyList<string> values)
    {
        if (values.Count == 0)
        {
            return;
        }

        w.WriteStartArray(name);
        foreach (var v in values)
        {
            w.WriteStringValue(v);
        }

        w.WriteEndArray();
    }

    private static byte[] Write(Action<Utf8JsonWriter> body)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, Options))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
