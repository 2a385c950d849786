using OciBundle.Diagnostics;
using OciBundle.Images;
using OciBundle.Images.Sources;
using OciBundle.Platform;
using OciBundle.Request;

namespace OciBundle.Settings;

/// <summary>
/// Reads OciBaseImage (ContainerBaseImage when it is unset) for the settings stage, once per
/// build: the reference is parsed and checked without I/O (OCIB1100–OCIB1103), then the image is
/// resolved for the target platform (OCIB31xx). The process defaults (ProcessStep), the rootfs
/// plan and the rootfs checks all take the one answer from <see cref="BundleSettings.BaseImage"/>.
/// </summary>
public static class ReadingBaseImage
{
    /// <summary>The parsed reference (null when none is set or it is wrong, reported) and the resolved image (null when it cannot be read, reported at the property's element).</summary>
    public static BaseImageSettings Read(RequestReader reader, TargetArchitecture architecture, string? architectureText)
    {
        if (ReadReference(reader) is not { } reference)
        {
            return BaseImageSettings.None;
        }

        return new BaseImageSettings(reference, Resolve(reader, reference, architecture, architectureText)) { Location = reader.Locate(reference.Property) };
    }

    private static ImageReference? ReadReference(RequestReader reader)
    {
        // OciBaseImage when it is given (and holds no NUL), else the .NET SDK's ContainerBaseImage.
        var own = SurfaceReads.BaseImage(reader);
        var property = own is not null ? SurfaceNames.BaseImage : ForeignNames.ContainerBaseImage;
        if ((own ?? reader.String(ForeignNames.ContainerBaseImage)) is not { } text)
        {
            return null;
        }

        var location = reader.Locate(property);
        var parsed = ImageReference.Parse(property, text, reader.Request.ProjectDirectory);
        switch (parsed.Error)
        {
            case ImageReference.ParseError.NotLocal:
                var source = parsed.Detail!;
                reader.Diagnostics.Error(Messages.BaseImageRegistryReference, location, property, text, $"skopeo copy {source} oci-archive:base.tar", ImageReference.DockerName(source));
                return null;
            case ImageReference.ParseError.Malformed:
                reader.Diagnostics.Error(Messages.BaseImageMalformed, location, property, text, parsed.Detail);
                return null;
        }

        var reference = parsed.Reference!;
        if (SurfaceReads.BaseRootfs(reader) is { } baseRootfs)
        {
            reader.Diagnostics.Error(Messages.BaseImageWithBaseRootfs, location, baseRootfs, property, text);
            return null;
        }

        var isFolder = reference.Transport == ImageTransport.Oci;
        if (isFolder ? !Directory.Exists(reference.HostPath) : !File.Exists(reference.HostPath) && !Directory.Exists(reference.HostPath))
        {
            var fix = isFolder
                ? "Make the layout first, such as with skopeo copy docker://IMAGE oci:" + Path.GetFileName(reference.HostPath) + (File.Exists(reference.HostPath) ? " (a file is there: for a tar of a layout write oci-archive:)" : "")
                : "Write the archive first, such as with skopeo copy docker://IMAGE " + (reference.Transport == ImageTransport.OciArchive ? "oci-archive:" : "docker-archive:") + Path.GetFileName(reference.HostPath) + " or docker save IMAGE -o " + Path.GetFileName(reference.HostPath) + ".";
            reader.Diagnostics.Error(Messages.BaseImageNotFound, location, property, text, reference.HostPath, fix);
            return null;
        }

        if (!isFolder && InputFiles.WhyNotRegularFile(reference.HostPath) is { } notRegular)
        {
            reader.Diagnostics.Error(Messages.InputNotRegularFile, location, property, reference.HostPath, notRegular);
            return null;
        }

        return reference;
    }

    private static PlannedBaseImage? Resolve(RequestReader reader, ImageReference reference, TargetArchitecture architecture, string? architectureText)
    {
        var platform = ImagePlatform.For(architecture, architectureText);
        try
        {
            IImageSource source = reference.Transport == ImageTransport.DockerArchive ? DockerArchiveSource.Open(reference) : OciLayoutSource.Open(reference);
            var image = source.Resolve(platform);
            return new PlannedBaseImage { Reference = reference, Manifest = image.Manifest, Config = image.Config, Layers = image.Layers, Source = source };
        }
        catch (OciBundleException e)
        {
            reader.Diagnostics.Add(e.Diagnostic with { Location = reader.Locate(reference.Property) });
            return null;
        }
    }
}
