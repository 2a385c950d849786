using System.Text.Json;
using OciBundle.Diagnostics;

namespace OciBundle.Images.Sources;

/// <summary>
/// An OCI image layout (oci-layout, index.json, blobs/sha256/…), as a folder (oci:) or a tar of
/// one (oci-archive:). index.json leads, through nested indexes (at most <see cref="MaxDepth"/>
/// deep), to the manifests; REF picks by org.opencontainers.image.ref.name, the platform by
/// OciTargetArchitecture.
/// </summary>
internal sealed class OciLayoutSource(ImageReference reference, IImageFiles files) : IImageSource
{
    public const int MaxDepth = 4;

    public ImageReference Reference => reference;

    public static OciLayoutSource Open(ImageReference reference) =>
        new(reference, reference.Transport == ImageTransport.Oci ? new FolderFiles(reference) : new TarFiles(reference));

    public VerifiedBlobStream OpenBlob(Descriptor descriptor, string role) =>
        BlobReading.OpenVerified(reference, files, "blobs/sha256/" + descriptor.Digest["sha256:".Length..], descriptor, role);

    public ResolvedImage Resolve(ImagePlatform platform)
    {
        var what = reference.Transport == ImageTransport.Oci ? "an OCI image layout folder" : "an OCI image layout archive";
        if (!files.TryGetLength("oci-layout", out _))
        {
            throw ImageErrors.Error(reference, Messages.ImageLayoutInvalid, what, "it has no oci-layout file" + (files.TryGetLength("manifest.json", out _) ? "; it looks like docker save's output, so write docker-archive:" : ""));
        }

        var layout = BlobReading.Parse(reference, BlobReading.ReadFile(reference, files, "oci-layout", "oci-layout file"), "oci-layout file", "oci-layout", LayoutVersion);
        if (!layout.StartsWith("1.", StringComparison.Ordinal))
        {
            throw ImageErrors.Error(reference, Messages.ImageLayoutInvalid, what, $"its oci-layout says imageLayoutVersion '{ImageJson.Shown(layout)}'; OciBundle reads version 1.x");
        }

        if (!files.TryGetLength("index.json", out _))
        {
            throw ImageErrors.Error(reference, Messages.ImageLayoutInvalid, what, "it has no index.json");
        }

        var index = BlobReading.Parse(reference, BlobReading.ReadFile(reference, files, "index.json", "index"), "index", "index.json", b => ImageJson.ParseIndex(b));
        var top = index;
        if (reference.Name is { } name)
        {
            top = index.Where(e => e.RefName == name).ToList();
            if (top.Count == 0)
            {
                var names = index.Select(e => e.RefName).OfType<string>().Distinct().ToList();
                throw ImageErrors.Error(reference, Messages.ImageRefNotFound, name, names.Count == 0 ? "no named images (no org.opencontainers.image.ref.name in index.json); leave the name out" : string.Join(", ", names));
            }
        }

        var candidates = new List<IndexEntry>();
        Collect(top, 1, candidates);
        var chosen = ImageSelection.Choose(reference, candidates, platform, reference.Name is null ? "REF" : null);
        return ImageSelection.ReadImage(this, chosen, platform);
    }

    /// <summary>Every manifest below the entries, nested indexes opened (verified), with the ref name of the top entry they came from.</summary>
    private void Collect(IReadOnlyList<IndexEntry> entries, int depth, List<IndexEntry> into, string? refName = null)
    {
        foreach (var entry in entries)
        {
            var mediaType = entry.Descriptor.MediaType;
            if (mediaType is MediaTypes.ImageIndex or MediaTypes.DockerManifestList)
            {
                if (depth >= MaxDepth)
                {
                    throw ImageErrors.Error(reference, Messages.ImageIndexTooDeep, MaxDepth);
                }

                var nested = BlobReading.ReadJson(this, entry.Descriptor, "nested index", b => ImageJson.ParseIndex(b));
                Collect(nested, depth + 1, into, refName ?? entry.RefName);
            }
            else if (entry.ArtifactType is not null)
            {
                // An artifact that refers to an image (our own image's SBOM, what `oras attach` adds): not an image.
            }
            else if (mediaType is MediaTypes.ImageManifest or MediaTypes.DockerManifest or "")
            {
                into.Add(entry with { RefName = refName ?? entry.RefName });
            }
            else
            {
                // Other artifacts (signatures, attestations, SBOMs) may sit in an index beside images.
            }
        }
    }

    private static string LayoutVersion(byte[] json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("imageLayoutVersion", out var version)
                && version.ValueKind == JsonValueKind.String
                ? version.GetString()!
                : throw new ImageFormatException("it has no imageLayoutVersion string");
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or ArgumentException)
        {
            throw new ImageFormatException("it is not valid JSON: " + e.Message.TrimEnd('.'));
        }
    }
}
