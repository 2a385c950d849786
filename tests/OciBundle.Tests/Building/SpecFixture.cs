using System.Text.Json;
using OciBundle.Diagnostics;
using OciBundle.Request;
using OciBundle.Spec;
using OciBundle.Steps;
using OciBundle.Validation;

namespace OciBundle.Tests.Building;

/// <summary>Builds a request the way BundleGenerator does (steps, then rules) and exposes the config.json it gives.</summary>
internal static class SpecFixture
{
    public static (RuntimeSpec Spec, IReadOnlyList<Diagnostic> Diagnostics) Diagnose(BundleRequest request)
    {
        var diagnostics = new DiagnosticBag();
        var reader = new RequestReader(request, diagnostics);
        var built = SpecBuilder.Build(reader);
        var spec = built.Spec;
        SpecRules.Check(built, reader.Diagnostics);
        return (spec, diagnostics.Items);
    }

    public static (RuntimeSpec Spec, IReadOnlyList<string> Codes) Build(BundleRequest request)
    {
        var (spec, diagnostics) = Diagnose(request);
        return (spec, diagnostics.Select(d => d.Code).ToList());
    }

    public static IReadOnlyList<string> Codes(BundleRequest request) => Build(request).Codes;

    /// <summary>The parsed config.json of a request that must build without any finding.</summary>
    public static JsonElement Json(BundleRequest request)
    {
        var (spec, codes) = Build(request);
        Assert.Empty(codes);
        using var document = JsonDocument.Parse(SpecJson.Serialize(spec));
        return document.RootElement.Clone();
    }

    /// <summary>Compares JSON structurally, so tests can write the expected fragment as in the docs.</summary>
    public static void Equal(string expectedJson, JsonElement actual)
    {
        using var expected = JsonDocument.Parse(expectedJson);
        Assert.Equal(Normalize(expected.RootElement), Normalize(actual));
    }

    private static string Normalize(JsonElement element) => JsonSerializer.Serialize(element);
}
