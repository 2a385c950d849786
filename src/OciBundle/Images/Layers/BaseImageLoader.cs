using OciBundle.Diagnostics;
using OciBundle.Rootfs;

namespace OciBundle.Images.Layers;

/// <summary>Fills the tree from a planned base image, layer by layer, and returns what the image writer needs of it.</summary>
public static class BaseImageLoader
{
    /// <summary>
    /// Applies every layer in order (file data spooled into <paramref name="spoolDirectory"/>);
    /// the layers' uncompressed tar together may hold at most <paramref name="maxSize"/> bytes
    /// (OciBaseRootfsMaxSize, OCIB3115). Any blob that does not match its descriptor stops the
    /// build (OCIB3104, OCIB3105, OCIB3116).
    /// </summary>
    public static BaseImage Load(RootfsTree tree, PlannedBaseImage image, string spoolDirectory, Action<Diagnostic>? warn, long maxSize)
    {
        try
        {
            Directory.CreateDirectory(spoolDirectory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OciBundleException(Diagnostic.Error(Messages.WriteFailed, null, spoolDirectory, e.Message.TrimEnd('.')), e);
        }

        var used = 0L;
        for (var i = 0; i < image.Layers.Count; i++)
        {
            used += LayerApplier.Apply(tree, image.Source, image.Layers[i], i + 1, image.Layers.Count, spoolDirectory, warn, maxSize - used);
        }

        var source = image.Source;
        return new BaseImage
        {
            Reference = image.Reference.Text,
            Manifest = image.Manifest,
            Config = image.Config,
            Layers = image.Layers,
            CopyBlob = (descriptor, destination) =>
            {
                using var blob = source.OpenBlob(descriptor, "blob " + descriptor.Digest);
                blob.CopyTo(destination);
                blob.ReadToEnd();
            },
            Entries = tree.Snapshot(),
        };
    }
}
