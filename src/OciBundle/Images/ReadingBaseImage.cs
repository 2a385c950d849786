using System.Runtime.CompilerServices;
using OciBundle.Building;
using OciBundle.Diagnostics;
using OciBundle.Images.Sources;

namespace OciBundle.Images;

/// <summary>
/// A base image as planning sees it: the reference, and the manifest, config and layer list read
/// (small JSON, verified) before the spec is built, because the image config gives the process
/// its defaults. The layers are read later, by <see cref="Layers.BaseImageLoader"/>.
/// </summary>
public sealed class PlannedBaseImage
{
    public required ImageReference Reference { get; init; }

    public required Descriptor Manifest { get; init; }

    public required ImageConfig Config { get; init; }

    public required IReadOnlyList<BaseLayer> Layers { get; init; }

    internal IImageSource Source { get; init; } = null!;
}

/// <summary>
/// Reads OciBaseImage (ContainerBaseImage when it is unset) once per request: the reference is
/// parsed and checked without I/O (OCIB1100–OCIB1103), then the image is resolved for the target
/// platform (OCIB31xx). Both the process defaults (ProcessStep) and the rootfs plan ask; the
/// first asks, the others get the same answer and no second report.
/// </summary>
public static class ReadingBaseImage
{
    /// <summary>The .NET SDK's name, read when OciBaseImage is unset; not one of ours, so not in SurfaceNames.</summary>

    private static readonly ConditionalWeakTable<BundleRequest, State> Cache = new();

    /// <summary>The parsed reference, or null when none is set or it is wrong (reported).</summary>
    public static ImageReference? ReadReference(RequestReader reader) => Get(reader).Reference;

    /// <summary>The resolved image, or null when none is set or it cannot be read (reported, at the property's element).</summary>
    public static PlannedBaseImage? Read(RequestReader reader)
    {
        var state = Get(reader);
        if (state.Reference is { } reference && !state.Resolved)
        {
            state.Resolved = true;
            state.Image = Resolve(reader, reference);
        }

        return state.Image;
    }

    /// <summary>Where the reference was written, for errors.</summary>
    public static SourceLocation? Locate(RequestReader reader) =>
        ReadReference(reader) is { } reference ? reader.Locate(reference.Property) : reader.Locate(SurfaceNames.BaseImage);

    private static State Get(RequestReader reader)
    {
        if (!Cache.TryGetValue(reader.Request, out var state))
        {
            state = new State { Reference = ReadReferenceUncached(reader) };
            Cache.AddOrUpdate(reader.Request, state);
        }

        return state;
    }

    private static ImageReference? ReadReferenceUncached(RequestReader reader)
    {
        var property = reader.String(SurfaceNames.BaseImage) is not null ? SurfaceNames.BaseImage : ForeignNames.ContainerBaseImage;
        if (reader.String(property) is not { } text)
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
        if (reader.String(SurfaceNames.BaseRootfs) is { } baseRootfs)
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

    private static PlannedBaseImage? Resolve(RequestReader reader, ImageReference reference)
    {
        var architecture = TargetArchitecture.Read(reader);
        var platform = ImagePlatform.For(architecture, reader.String(SurfaceNames.TargetArchitecture) ?? reader.String(TargetArchitecture.RuntimeIdentifierProperty));
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

    private sealed class State
    {
        public ImageReference? Reference { get; init; }

        public bool Resolved { get; set; }

        public PlannedBaseImage? Image { get; set; }
    }
}
