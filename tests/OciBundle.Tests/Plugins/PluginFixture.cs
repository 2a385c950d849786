using OciBundle.Diagnostics;
using OciBundle.Plugins;
using OciBundle.Request;
using OciBundle.Spec;
using OciBundle.Steps;
using OciBundle.Tests.Building;
using OciBundle.Validation;

namespace OciBundle.Tests.Plugins;

/// <summary>Runs a request the way BundleGenerator does up to the checks: import, steps, spec rules, plugin rules.</summary>
internal static class PluginFixture
{
    public static string DataFile(string name) => Path.Combine(AppContext.BaseDirectory, "Plugins", "Data", name);

    /// <summary>The SDK's defaults (with runc's /dev/shm and /dev/mqueue too), without the test entrypoint: a plugin config brings its own.</summary>
    public static BundleRequest Request()
    {
        var request = RequestBuilder.Defaults().WithItems(SurfaceNames.Entrypoint, []);
        request.WithDefaultItem(SurfaceNames.Mount, "/dev/shm", ("Type", "tmpfs"), ("Source", "shm"), ("Options", "nosuid,noexec,nodev,mode=1777,size=65536k"));
        request.WithDefaultItem(SurfaceNames.Mount, "/dev/mqueue", ("Type", "mqueue"), ("Source", "mqueue"), ("Options", "nosuid,noexec,nodev"));
        return request;
    }

    public static BundleRequest Importing(string dataFile) => Request().With(SurfaceNames.PluginConfig, DataFile(dataFile));

    /// <summary>A plugin described in the project alone: socket, interface, entrypoint.</summary>
    public static BundleRequest ProjectPlugin() => Request()
        .With(SurfaceNames.PluginSocket, "plugin.sock")
        .WithItem(SurfaceNames.PluginInterface, "docker.logdriver/1.0")
        .WithItem(SurfaceNames.Entrypoint, "/plugin");

    public static (BundleRequest Merged, RuntimeSpec Spec, IReadOnlyList<Diagnostic> Diagnostics) Diagnose(BundleRequest request)
    {
        var diagnostics = new DiagnosticBag();
        var merged = request.WithPluginConfig(diagnostics);
        var reader = new RequestReader(merged, diagnostics);
        var built = SpecBuilder.Build(reader);
        var spec = built.Spec;
        SpecRules.Check(built, reader.Diagnostics);
        PluginRules.Check(spec, built.Settings, diagnostics);
        return (merged, spec, diagnostics.Items);
    }

    public static List<string> Codes(BundleRequest request) => Diagnose(request).Diagnostics.Select(d => d.Code).ToList();

    /// <summary>The spec of a request whose only findings are the given warnings.</summary>
    public static RuntimeSpec Spec(BundleRequest request, params string[] expectedCodes)
    {
        var (_, spec, diagnostics) = Diagnose(request);
        Assert.Equal(expectedCodes.Order(), diagnostics.Select(d => d.Code).Order());
        return spec;
    }
}
