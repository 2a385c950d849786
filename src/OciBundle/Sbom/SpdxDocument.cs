using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using OciBundle.Output;

namespace OciBundle.Sbom;

/// <summary>An SPDX 2.3 document as we write it: packages, files and relationships, all sorted.</summary>
public sealed class SpdxDocument
{
    public const string FileName = BundleFiles.SbomFileName;

    public const string DocumentId = "SPDXRef-DOCUMENT";

    public const string NoAssertion = "NOASSERTION";

    /// <summary>The prefix of every documentNamespace; the rest is the bundle name and a digest of the content.</summary>
    public const string NamespacePrefix = "https://spdx.org/spdxdocs/ocibundle-sdk/";

    public sealed record Package(
        string Id,
        string Name,
        string? Version,
        string? Supplier,
        string? Purl,
        string? Sha512,
        string LicenseDeclared,
        string? Purpose,
        string? Comment)
    {
        /// <summary>Hex SHA-256 of the package (an image's manifest digest), or null.</summary>
        public string? Sha256 { get; init; }
    }

    public sealed record File(string Id, string Path, string Sha256, string Sha1);

    public sealed record Relationship(string From, string Type, string To);

    public required string Name { get; init; }

    /// <summary>RFC 3339 UTC, seconds precision.</summary>
    public required string Created { get; init; }

    public required string Creator { get; init; }

    /// <summary>The bundle's package first, then the rest as given (sorted by the builder).</summary>
    public required IReadOnlyList<Package> Packages { get; init; }

    public required IReadOnlyList<File> Files { get; init; }

    public required IReadOnlyList<Relationship> Relationships { get; init; }

    /// <summary>"2026-11-30T00:00:00Z" for a Unix time.</summary>
    public static string Rfc3339(long unixSeconds) =>
        DateTimeOffset.FromUnixTimeSeconds(unixSeconds).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>
    /// The JSON bytes. The namespace is derived from the document itself: the SHA-256 of the
    /// document written with an empty namespace, so the same content always gets the same
    /// namespace and any change in content gets another.
    /// </summary>
    public byte[] ToJson()
    {
        // The draft is only hashed, never kept, and the document is written straight into one
        // array of its final size: for a rootfs of thousands of files it is megabytes, and
        // growing buffers (the writer's, a MemoryStream's, then a copy) would hold several times
        // that at once (docs/performance.md, memory).
        using var draft = new HashingStream(Stream.Null);
        Write("", draft);
        var documentNamespace = NamespacePrefix + SpdxIds.Sanitize(Name) + "-" + draft.HexDigest();
        var size = draft.BytesWritten + Encoding.UTF8.GetByteCount(documentNamespace);
        using var buffer = new MemoryStream(checked((int)size));
        Write(documentNamespace, buffer);
        return buffer.Length == buffer.Capacity ? buffer.GetBuffer() : buffer.ToArray();
    }

    /// <summary>Writes the document to <paramref name="output"/> in steps of about 64 KiB.</summary>
    private void Write(string documentNamespace, Stream output)
    {
        const int FlushAt = 1 << 16;
        using (var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("spdxVersion", "SPDX-2.3");
            json.WriteString("dataLicense", "CC0-1.0");
            json.WriteString("SPDXID", DocumentId);
            json.WriteString("name", Text(Name));
            json.WriteString("documentNamespace", documentNamespace);
            json.WriteStartObject("creationInfo");
            json.WriteString("created", Created);
            json.WriteStartArray("creators");
            json.WriteStringValue(Creator);
            json.WriteEndArray();
            json.WriteEndObject();

            json.WriteStartArray("packages");
            foreach (var p in Packages)
            {
                json.WriteStartObject();
                json.WriteString("SPDXID", p.Id);
                json.WriteString("name", Text(p.Name));
                if (p.Version is not null)
                {
                    json.WriteString("versionInfo", Text(p.Version));
                }

                json.WriteString("supplier", p.Supplier is null ? NoAssertion : Text(p.Supplier));
                json.WriteString("downloadLocation", NoAssertion);
                json.WriteBoolean("filesAnalyzed", false);
                if (p.Sha256 is not null || p.Sha512 is not null)
                {
                    json.WriteStartArray("checksums");
                    foreach (var (algorithm, value) in new[] { ("SHA256", p.Sha256), ("SHA512", p.Sha512) })
                    {
                        if (value is not null)
                        {
                            json.WriteStartObject();
                            json.WriteString("algorithm", algorithm);
                            json.WriteString("checksumValue", value);
                            json.WriteEndObject();
                        }
                    }

                    json.WriteEndArray();
                }

                json.WriteString("licenseConcluded", NoAssertion);
                json.WriteString("licenseDeclared", p.LicenseDeclared);
                json.WriteString("copyrightText", NoAssertion);
                if (p.Comment is not null)
                {
                    json.WriteString("comment", Text(p.Comment));
                }

                if (p.Purl is not null)
                {
                    json.WriteStartArray("externalRefs");
                    json.WriteStartObject();
                    json.WriteString("referenceCategory", "PACKAGE-MANAGER");
                    json.WriteString("referenceType", "purl");
                    json.WriteString("referenceLocator", p.Purl);
                    json.WriteEndObject();
                    json.WriteEndArray();
                }

                if (p.Purpose is not null)
                {
                    json.WriteString("primaryPackagePurpose", p.Purpose);
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();

            json.WriteStartArray("files");
            foreach (var f in Files)
            {
                json.WriteStartObject();
                json.WriteString("SPDXID", f.Id);
                json.WriteString("fileName", Text("./" + f.Path));
                json.WriteStartArray("checksums");
                foreach (var (algorithm, value) in new[] { ("SHA1", f.Sha1), ("SHA256", f.Sha256) })
                {
                    json.WriteStartObject();
                    json.WriteString("algorithm", algorithm);
                    json.WriteString("checksumValue", value);
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                json.WriteString("licenseConcluded", NoAssertion);
                json.WriteString("copyrightText", NoAssertion);
                json.WriteEndObject();
                if (json.BytesPending > FlushAt)
                {
                    json.Flush();
                }
            }

            json.WriteEndArray();

            json.WriteStartArray("relationships");
            foreach (var r in Relationships)
            {
                json.WriteStartObject();
                json.WriteString("spdxElementId", r.From);
                json.WriteString("relationshipType", r.Type);
                json.WriteString("relatedSpdxElement", r.To);
                json.WriteEndObject();
                if (json.BytesPending > FlushAt)
                {
                    json.Flush();
                }
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        output.WriteByte((byte)'\n');
    }

    /// <summary>Text as JSON can carry it: a lone surrogate (possible in a tar member name) becomes U+FFFD.</summary>
    private static string Text(string value)
    {
        if (!value.Any(char.IsSurrogate))
        {
            return value;
        }

        var builder = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                builder.Append(value, i++, 2);
            }
            else
            {
                builder.Append(char.IsSurrogate(value[i]) ? '\uFFFD' : value[i]);
            }
        }

        return builder.ToString();
    }
}
