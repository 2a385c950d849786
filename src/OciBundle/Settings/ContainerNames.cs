using OciBundle.Diagnostics;
using OciBundle.Request;

namespace OciBundle.Settings;

/// <summary>
/// The .NET SDK's container properties. Those with an Oci* counterpart are mapped to it by the
/// targets (the C# sees one name); this class has the ones the SDK cannot honour, each of which is
/// a warning (OCIB1115) naming the property and what to do instead: a project moving over from
/// `dotnet publish /t:PublishContainer` must never lose a setting in silence.
/// </summary>
public static class ContainerNames
{
    /// <summary>Property → (why it is not honoured, what to do), passed to the task under these names.</summary>
    public static readonly IReadOnlyList<(string Name, string Why, string Instead)> Unsupported =
    [
        (ForeignNames.ContainerRegistry, "the build pushes nothing to a registry; it writes image/ and image.tar beside the bundle",
            "Push image.tar from CI with 'skopeo copy oci-archive:image.tar:TAG docker://REGISTRY/NAME:TAG' (docs/images.md)."),
        (ForeignNames.LocalRegistry, "the build loads nothing into a Docker or Podman daemon",
            "Load image.tar with 'docker load -i image.tar' (Docker 25 or later) or 'podman load -i image.tar'."),
        (ForeignNames.ContainerArchiveOutputPath, "the image is always written as image.tar in OciBundleOutputPath",
            "Copy image.tar from the bundle folder, or set OciBundleOutputPath."),
        (ForeignNames.ContainerFamily, "it picks a tag of Microsoft's base images in a registry, and the build reads base images from local files only",
            "Name a local copy of the base image in OciBaseImage (such as oci-archive:base.tar)."),
        (ForeignNames.ContainerRuntimeIdentifiers, "a build writes one image for one architecture",
            "Set OciTargetArchitecture (or ContainerRuntimeIdentifier) and build once per architecture."),
        (ForeignNames.ContainerImageFormat, "the image is always an OCI image, which docker load, podman and skopeo read",
            "Remove it; skopeo copy oci-archive:image.tar:TAG docker-archive:… converts to Docker's format when needed."),
        (ForeignNames.ContainerAppCommandInstruction, "OciEntrypoint and OciArgs say directly which words are the image's Entrypoint and which its Cmd",
            "Put the fixed words in OciEntrypoint (or ContainerAppCommand) and the default arguments in OciArgs (or ContainerDefaultArgs)."),
        (ForeignNames.ContainerInformationUrl, "the generated labels do not include org.opencontainers.image.url",
            "Add <OciLabel Include=\"org.opencontainers.image.url\" Value=\"…\" />."),
        (ForeignNames.ContainerDocumentationUrl, "the generated labels do not include org.opencontainers.image.documentation",
            "Add <OciLabel Include=\"org.opencontainers.image.documentation\" Value=\"…\" />."),
        (ForeignNames.ContainerVendor, "the generated labels do not include org.opencontainers.image.vendor",
            "Add <OciLabel Include=\"org.opencontainers.image.vendor\" Value=\"…\" />."),
    ];

    /// <summary>Warns for each unsupported Container* property the project sets (ContainerImageFormat only when not OCI).</summary>
    public static void Warn(RequestReader reader)
    {
        foreach (var (name, why, instead) in Unsupported)
        {
            if (reader.String(name) is not { } value)
            {
                continue;
            }

            if (name == ForeignNames.ContainerImageFormat && value.Equals("OCI", StringComparison.OrdinalIgnoreCase))
            {
                continue; // what we write anyway
            }

            reader.Diagnostics.Warning(Messages.ContainerPropertyIgnored, reader.Locate(name), name, value, why, instead);
        }
    }
}
