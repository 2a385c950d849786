using OciBundle.Diagnostics;

namespace OciBundle.Images.Sources;

/// <summary>Coded errors about one image reference: every message names the property and its value first.</summary>
internal static class ImageErrors
{
    public static OciBundleException Error(ImageReference reference, string catalogueText, params object?[] args) =>
        new(Diagnostic.Error(catalogueText, null, [reference.Property, reference.Text, .. args]));
}
