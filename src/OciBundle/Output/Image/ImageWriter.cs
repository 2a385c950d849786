using System.IO.Compression;
using System.Security.Cryptography;
using OciBundle.Diagnostics;
using OciBundle.Images;
using OciBundle.Rootfs;
using OciBundle.Settings;

namespace OciBundle.Output.Image;

/// <summary>The bundle's rootfs.tar.gz (or rootfs.tar.zst, <paramref name="MediaType"/> tar+zstd) when it holds exactly the image's one layer: reused, not compressed twice.</summary>
public sealed record ReusableLayer(string Path, string Sha256, long Size, string UncompressedSha256, string MediaType = MediaTypes.LayerTarGzip);

/// <summary>What <see cref="ImageWriter.Write"/> staged: image/ and image.tar, their SHA256SUMS lines, the manifest it wrote, and the SBOM artifact's manifest that refers to it (null without one).</summary>
public sealed record ImageWriteResult(BundleOutputFile Layout, BundleOutputFile Archive, IReadOnlyList<string> SumLines, Descriptor Manifest, int LayerCount, Descriptor? SbomArtifact);

/// <summary>
/// Writes the OCI image: image/ (an OCI image layout: oci-layout, index.json, blobs/sha256/…)
/// and image.tar (the same files as one uncompressed tar, what `skopeo copy oci-archive:`,
/// `podman load` and `docker load` read). Every byte follows from the inputs: layers through
/// <see cref="ReproducibleTarWriter"/> and <see cref="ParallelGzipStream"/>, JSON through
/// <see cref="ImageJson"/>, the tar's entries sorted with the one mtime.
/// </summary>
public static class ImageWriter
{
    public const string LayoutName = BundleFiles.ImageLayoutName;
    public const string ArchiveName = BundleFiles.ImageArchiveName;
    /// <summary>Docker's archive manifest, for `docker load` before Docker 25.</summary>
    public const string DockerManifestName = "manifest.json";
    private const int BlobMode = 0b110_100_100; // 0644

    /// <param name="staging">The bundle's staging folder; image/ and image.tar are written in it.</param>
    /// <param name="config">The config without diff_ids (they follow from the layers written here).</param>
    /// <param name="sorted">The final rootfs, as <see cref="RootfsTree.Sorted"/> gives it.</param>
    /// <param name="baseImage">The base image: its layers are copied byte for byte, then one layer of the project's changes. Null: the whole rootfs is one layer.</param>
    /// <param name="reusable">rootfs.tar.gz of this build, when written from the same <paramref name="sorted"/> (no base image only).</param>
    /// <param name="sbomFor">
    /// Called with the image manifest once it is written; returns the SBOM to attach (its purl
    /// names the manifest's digest, so it can only be made now), or null for none. The
    /// artifact goes into the layout only, never into a layer.
    /// </param>
    public static ImageWriteResult Write(
        string staging,
        BundleOptions options,
        ImageSettings settings,
        ImageConfig config,
        IReadOnlyList<RootfsEntry> sorted,
        BaseImage? baseImage,
        ReusableLayer? reusable,
        Func<Descriptor, byte[]?>? sbomFor = null,
        CancellationToken cancellation = default)
    {
        var layout = Path.Combine(staging, LayoutName);
        var blobs = Path.Combine(layout, "blobs", "sha256");
        Directory.CreateDirectory(blobs);
        var created = ImageConfigBuilder.Created(options.SourceDateEpoch);

        var layers = new List<Descriptor>();
        var diffIds = new List<string>();
        var history = new List<HistoryEntry>();
        if (baseImage is not null)
        {
            for (var i = 0; i < baseImage.Layers.Count; i++)
            {
                cancellation.ThrowIfCancellationRequested();
                var layer = baseImage.Layers[i];
                layers.Add(CopyBaseLayer(blobs, baseImage, layer, i + 1));
                diffIds.Add(layer.DiffId);
                history.Add(new HistoryEntry(null, $"OciBundle.Sdk: layer {i + 1} of the base image {baseImage.Reference}", "copied byte for byte"));
            }

            var changes = LayerDiff.Compute(sorted, baseImage.Entries);
            if (changes.Count > 0)
            {
                var (blob, diffId) = WriteLayer(blobs, changes, options);
                layers.Add(blob);
                diffIds.Add(diffId);
                history.Add(new HistoryEntry(created, "OciBundle.Sdk: the project's files over the base image", $"{changes.Count} entries"));
            }
        }
        else
        {
            cancellation.ThrowIfCancellationRequested();
            var (blob, diffId) = reusable is not null ? ReuseLayer(blobs, reusable) : WriteLayer(blobs, sorted, options);
            layers.Add(blob);
            diffIds.Add(diffId);
            history.Add(new HistoryEntry(created, "OciBundle.Sdk: the project's rootfs", $"{sorted.Count} entries"));
        }

        cancellation.ThrowIfCancellationRequested();
        var finalConfig = config with { DiffIds = diffIds };
        var configBlob = WriteBlob(blobs, MediaTypes.ImageConfig, ImageJson.Config(finalConfig, created, history));
        var annotations = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (baseImage is not null)
        {
            annotations["org.opencontainers.image.base.digest"] = baseImage.Manifest.Digest;
            annotations["org.opencontainers.image.base.name"] = baseImage.Reference;
        }

        var manifest = WriteBlob(blobs, MediaTypes.ImageManifest, ImageJson.Manifest(configBlob, layers, annotations));
        var referrers = new List<(Descriptor Manifest, string ArtifactType)>();
        Descriptor? sbomArtifact = null;
        if (sbomFor?.Invoke(manifest) is { } sbom)
        {
            cancellation.ThrowIfCancellationRequested();
            sbomArtifact = Attach(blobs, MediaTypes.SpdxJson, sbom, BundleFiles.SbomFileName, manifest, created);
            referrers.Add((sbomArtifact, MediaTypes.SpdxJson));
        }

        var fullName = ImageNames.FullName(settings.Name);
        File.WriteAllBytes(Path.Combine(layout, "index.json"), ImageJson.Index(manifest, finalConfig, settings.Tags.Select(t => new ImageRef(fullName, t)).ToList(), referrers));
        File.WriteAllBytes(Path.Combine(layout, "oci-layout"), ImageJson.Layout());
        File.WriteAllBytes(Path.Combine(layout, DockerManifestName), ImageJson.DockerArchiveManifest(configBlob, layers, settings.Tags.Select(t => $"{settings.Name}:{t}").ToList()));

        // One listing serves the tar and the sums: every file of the layout, sorted, parents first.
        var files = LayoutEntries(layout);
        var archivePath = Path.Combine(staging, ArchiveName);
        var archive = WriteArchive(archivePath, files, options.SourceDateEpoch);
        var fileEntries = files.Where(e => e.Type == RootfsEntryType.RegularFile).ToList();
        var digests = FileDigests.Sha256Hex(fileEntries.Select(e => e.SourcePath!).ToList());
        var lines = fileEntries.Select((e, i) => BundleFiles.SumLine(digests[i], $"{LayoutName}/{e.Path}")).ToList();
        lines.Add(BundleFiles.SumLine(archive.Sha256, ArchiveName));
        return new ImageWriteResult(new BundleOutputFile(layout, OutputKinds.ImageLayout, 0, ""), archive, lines, manifest, layers.Count, sbomArtifact);
    }

    /// <summary>
    /// A file attached to the image as `oras attach` does it: the file as the one layer blob, the
    /// empty config "{}", and an artifact manifest whose subject is the image manifest.
    /// Docker's manifest.json does not list it: `docker load` sees only the image.
    /// </summary>
    private static Descriptor Attach(string blobs, string artifactType, byte[] content, string title, Descriptor subject, string created)
    {
        var empty = WriteBlob(blobs, MediaTypes.EmptyJson, ImageJson.Empty());
        var file = WriteBlob(blobs, artifactType, content);
        return WriteBlob(blobs, MediaTypes.ImageManifest, ImageJson.ArtifactManifest(artifactType, empty, file, title, subject, created));
    }

    /// <summary>"sha256:&lt;hex&gt;".</summary>
    public static string Digest(string hex) => "sha256:" + hex;

    /// <summary>A base layer's blob, byte for byte; Docker's media types become the OCI ones of the same bytes.</summary>
    private static Descriptor CopyBaseLayer(string blobs, BaseImage baseImage, BaseLayer layer, int number)
    {
        var mediaType = layer.Blob.MediaType switch
        {
            MediaTypes.DockerLayerGzip or MediaTypes.LayerTarGzip => MediaTypes.LayerTarGzip,
            "application/vnd.docker.image.rootfs.diff.tar" or MediaTypes.LayerTar => MediaTypes.LayerTar,
            MediaTypes.LayerTarZstd => MediaTypes.LayerTarZstd,
            _ => throw new OciBundleException(Diagnostic.Error(Messages.BaseLayerMediaType, null, baseImage.Reference, layer.Blob.MediaType, layer.Blob.Digest)),
        };
        var target = BlobPath(blobs, layer.Blob.Digest);
        if (File.Exists(target))
        {
            return layer.Blob with { MediaType = mediaType }; // the same layer twice in one image
        }

        var temporary = Path.Combine(blobs, $".layer-{number}.partial");
        string hex;
        long size;
        using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
        using (var hashing = new HashingStream(file))
        {
            baseImage.CopyBlob(layer.Blob, hashing);
            hex = hashing.HexDigest();
            size = hashing.BytesWritten;
        }

        if (Digest(hex) != layer.Blob.Digest || size != layer.Blob.Size)
        {
            throw new OciBundleException(Diagnostic.Error(Messages.BaseLayerChanged, null, number, baseImage.Reference, Digest(hex), size, layer.Blob.Digest, layer.Blob.Size));
        }

        File.Move(temporary, target);
        return layer.Blob with { MediaType = mediaType };
    }

    /// <summary>Entries as one tar+gzip layer (tar+zstd with OciRootfsFormat=tar.zst); returns its descriptor and diff_id (the digest of the tar before compression).</summary>
    private static (Descriptor Blob, string DiffId) WriteLayer(string blobs, IReadOnlyList<RootfsEntry> entries, BundleOptions options)
    {
        var temporary = Path.Combine(blobs, ".layer.partial");
        string compressedHex, tarHex;
        long size;
        using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
        {
            using var compressed = new HashingStream(file);
            var zstd = options.Format == RootfsFormat.TarZst;
            using (var gzip = zstd ? ReproducibleZstd.Create(compressed, options.CompressionLevel, leaveOpen: true) : new ParallelGzipStream(compressed, options.CompressionLevel, leaveOpen: true))
            {
                using var tar = new HashingStream(gzip);
                using (var writer = new ReproducibleTarWriter(tar, options.SourceDateEpoch, leaveOpen: true))
                {
                    writer.WriteTree(entries, "");
                }

                tarHex = tar.HexDigest();
            }

            compressedHex = compressed.HexDigest();
            size = compressed.BytesWritten;
        }

        return (MoveToBlob(blobs, temporary, compressedHex, size, options.Format == RootfsFormat.TarZst ? MediaTypes.LayerTarZstd : MediaTypes.LayerTarGzip), Digest(tarHex));
    }

    /// <summary>rootfs.tar.gz is the layer: copied, not compressed again (the same bytes, so the same digest).</summary>
    private static (Descriptor Blob, string DiffId) ReuseLayer(string blobs, ReusableLayer reusable)
    {
        var target = BlobPath(blobs, Digest(reusable.Sha256));
        File.Copy(reusable.Path, target);
        return (new Descriptor(reusable.MediaType, Digest(reusable.Sha256), reusable.Size), Digest(reusable.UncompressedSha256));
    }

    private static Descriptor WriteBlob(string blobs, string mediaType, byte[] content)
    {
        var hex = Convert.ToHexString(SHA256.HashData(content)).ToLowerInvariant();
        var path = BlobPath(blobs, Digest(hex));
        if (!File.Exists(path))
        {
            File.WriteAllBytes(path, content);
        }

        return new Descriptor(mediaType, Digest(hex), content.Length);
    }

    private static Descriptor MoveToBlob(string blobs, string temporary, string hex, long size, string mediaType)
    {
        var target = BlobPath(blobs, Digest(hex));
        if (File.Exists(target))
        {
            File.Delete(temporary); // a base layer with the very same bytes
        }
        else
        {
            File.Move(temporary, target);
        }

        return new Descriptor(mediaType, Digest(hex), size);
    }

    private static string BlobPath(string blobs, string digest) => Path.Combine(blobs, digest["sha256:".Length..]);

    /// <summary>The layout's folders and files as tar entries (relative paths, sorted, parents first).</summary>
    private static List<RootfsEntry> LayoutEntries(string layout)
    {
        var entries = new List<RootfsEntry>();
        foreach (var path in Directory.EnumerateFileSystemEntries(layout, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(layout, path).Replace(Path.DirectorySeparatorChar, '/');
            entries.Add(Directory.Exists(path)
                ? new RootfsEntry { Path = relative, Type = RootfsEntryType.Directory, Mode = RootfsTree.ImplicitDirectoryMode }
                : new RootfsEntry { Path = relative, Type = RootfsEntryType.RegularFile, Mode = BlobMode, SourcePath = path, Size = new FileInfo(path).Length, Origin = "image/" + relative });
        }

        entries.Sort(static (a, b) => string.CompareOrdinal(a.Path, b.Path));
        return entries;
    }

    private static BundleOutputFile WriteArchive(string path, IReadOnlyList<RootfsEntry> entries, long mtime)
    {
        using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20);
        using var hashing = new HashingStream(file);
        using (var writer = new ReproducibleTarWriter(hashing, mtime, leaveOpen: true))
        {
            writer.WriteTree(entries, "");
        }

        return new BundleOutputFile(path, OutputKinds.ImageArchive, hashing.BytesWritten, hashing.HexDigest());
    }
}
