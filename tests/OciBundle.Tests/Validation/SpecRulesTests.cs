using OciBundle.Building;
using OciBundle.Tests.Building;
using OciBundle.Validation;

namespace OciBundle.Tests.Validation;

public class SpecRulesTests
{
    private static IReadOnlyList<string> Codes(BundleRequest request)
    {
        var diagnostics = new DiagnosticBag();
        var spec = SpecBuilder.Build(request, diagnostics);
        SpecRules.Check(spec, new RequestReader(request, diagnostics));
        return diagnostics.Items.Select(d => d.Code).ToList();
    }

    [Fact]
    public void No_command_is_OCIB2001_and_one_is_enough()
    {
        Assert.Equal(["OCIB2001"], Codes(new BundleRequest()));
        Assert.Empty(Codes(new BundleRequest().WithItem(SurfaceNames.Args, "/bin/true")));
    }

    [Fact]
    public void A_hostname_without_a_uts_namespace_is_OCIB2002()
    {
        var request = RequestBuilder.Defaults().With(SurfaceNames.Hostname, "web");
        Assert.Empty(Codes(request));

        var withoutUts = new BundleRequest().WithItem(SurfaceNames.Entrypoint, "/x").WithItem(SurfaceNames.Namespace, "mount");
        Assert.Empty(Codes(withoutUts));
        Assert.Equal(["OCIB2002"], Codes(withoutUts.With(SurfaceNames.Hostname, "web")));
    }
}
