namespace OciBundle.Images;

/// <summary>Media types and annotation keys of OCI and Docker images, in one home.</summary>
public static class MediaTypes
{
    public const string ImageIndex = "application/vnd.oci.image.index.v1+json";
    public const string ImageManifest = "application/vnd.oci.image.manifest.v1+json";
    public const string ImageConfig = "application/vnd.oci.image.config.v1+json";
    public const string LayerTar = "application/vnd.oci.image.layer.v1.tar";
    public const string LayerTarGzip = "application/vnd.oci.image.layer.v1.tar+gzip";
    public const string LayerTarZstd = "application/vnd.oci.image.layer.v1.tar+zstd";
    public const string DockerManifest = "application/vnd.docker.distribution.manifest.v2+json";
    public const string DockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json";
    public const string DockerConfig = "application/vnd.docker.container.image.v1+json";
    public const string DockerLayerGzip = "application/vnd.docker.image.rootfs.diff.tar.gzip";
    public const string RefNameAnnotation = "org.opencontainers.image.ref.name";
    public const string TitleAnnotation = "org.opencontainers.image.title";
    public const string CreatedAnnotation = "org.opencontainers.image.created";

    /// <summary>The empty config of an artifact manifest (image-spec 1.1): the two bytes "{}".</summary>
    public const string EmptyJson = "application/vnd.oci.empty.v1+json";

    /// <summary>SPDX JSON, IANA-registered; the artifactType `oras attach` and `cosign attach sbom` use for it.</summary>
    public const string SpdxJson = "application/spdx+json";
    public const string ContainerdNameAnnotation = "io.containerd.image.name";
}
