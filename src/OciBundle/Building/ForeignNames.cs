namespace OciBundle.Building;

/// <summary>
/// Properties that belong to MSBuild, NuGet or the .NET SDK's container support, which the SDK
/// reads but does not own: no Oci prefix, so no typo warnings and no docs/properties.md heading
/// (docs/images.md and docs/sbom.md say how each is used). Our own names are in
/// <see cref="SurfaceNames"/>; SurfaceTableTests keeps both lists and the task in agreement.
/// </summary>
public static class ForeignNames
{
    // Read where the Oci* name is not set (docs/images.md)
    public const string ContainerBaseImage = "ContainerBaseImage";

    // Describe the image's labels and the bill of materials' bundle package
    public const string Version = "Version";
    public const string Company = "Company";
    public const string Authors = "Authors";
    public const string SourceRevisionId = "SourceRevisionId";
    public const string RepositoryUrl = "RepositoryUrl";
    public const string Title = "Title";
    public const string Description = "Description";
    public const string PackageLicenseExpression = "PackageLicenseExpression";

    // The .NET SDK's container properties this SDK cannot honour: each set one is warning OCIB1115
    public const string ContainerRegistry = "ContainerRegistry";
    public const string LocalRegistry = "LocalRegistry";
    public const string ContainerArchiveOutputPath = "ContainerArchiveOutputPath";
    public const string ContainerFamily = "ContainerFamily";
    public const string ContainerRuntimeIdentifiers = "ContainerRuntimeIdentifiers";
    public const string ContainerImageFormat = "ContainerImageFormat";
    public const string ContainerAppCommandInstruction = "ContainerAppCommandInstruction";
    public const string ContainerInformationUrl = "ContainerInformationUrl";
    public const string ContainerDocumentationUrl = "ContainerDocumentationUrl";
    public const string ContainerVendor = "ContainerVendor";
}
