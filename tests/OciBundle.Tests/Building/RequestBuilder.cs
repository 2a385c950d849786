using OciBundle.Request;
using OciBundle.Tests.Support;

namespace OciBundle.Tests.Building;

/// <summary>
/// A request as a project that sets nothing gets it: the package's own default items and literal
/// property defaults, read from its props and targets (<see cref="PackageDefaults"/>), so the
/// tests cannot drift from the package.
/// </summary>
internal static class RequestBuilder
{
    public static BundleRequest Defaults()
    {
        var request = new BundleRequest()
            .With(SurfaceNames.BundleName, "app")
            .With(SurfaceNames.BundleOutputPath, "/tmp/unused");
        foreach (var (name, value) in PackageDefaults.Properties)
        {
            request.With(name, value);
        }

        foreach (var (itemType, include, metadata) in PackageDefaults.Items)
        {
            request.WithDefaultItem(itemType, include, metadata);
        }

        request.WithItem(SurfaceNames.Entrypoint, "/bin/sh");
        return request;
    }

    public static readonly string[] DefaultCapabilities =
        PackageDefaults.Items.Where(i => i.ItemType == SurfaceNames.Capability).Select(i => i.Include).ToArray();
}
