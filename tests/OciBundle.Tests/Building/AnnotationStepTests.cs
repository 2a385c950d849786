using OciBundle.Diagnostics;
using OciBundle.Request;

namespace OciBundle.Tests.Building;

public class AnnotationStepTests
{
    [Fact]
    public void Annotations_are_written_sorted_by_key()
    {
        var request = RequestBuilder.Defaults()
            .WithItem(SurfaceNames.Annotation, "com.example.team", ("Value", "payments"))
            .WithItem(SurfaceNames.Annotation, "Com.Example.Build", ("Value", "42"))
            .WithItem(SurfaceNames.Annotation, "io.kubernetes.cri.container-type", ("Value", "container"))
            .WithItem(SurfaceNames.Annotation, "com.example.empty");
        SpecFixture.Equal(
            """{ "Com.Example.Build": "42", "com.example.empty": "", "com.example.team": "payments", "io.kubernetes.cri.container-type": "container" }""",
            SpecFixture.Json(request).GetProperty("annotations"));
    }

    [Fact]
    public void Without_items_annotations_are_left_out()
    {
        Assert.False(SpecFixture.Json(RequestBuilder.Defaults()).TryGetProperty("annotations", out _));
    }

    [Theory]
    [InlineData("org.opencontainers.image.ref.name")]
    [InlineData("")]
    public void Reserved_or_empty_key_is_OCIB1060(string key)
    {
        Assert.Equal(["OCIB1060"], SpecFixture.Codes(RequestBuilder.Defaults().WithItem(SurfaceNames.Annotation, key, ("Value", "x"))));
    }

    [Fact]
    public void A_key_that_only_resembles_the_reserved_prefix_is_allowed()
    {
        Assert.Empty(SpecFixture.Codes(RequestBuilder.Defaults().WithItem(SurfaceNames.Annotation, "org.opencontainers-fan.x", ("Value", "x"))));
    }

    [Fact]
    public void NUL_in_a_key_or_value_is_OCIB1019()
    {
        Assert.Equal(["OCIB1019"], SpecFixture.Codes(RequestBuilder.Defaults().WithItem(SurfaceNames.Annotation, "a\0b", ("Value", "x"))));
        Assert.Equal(["OCIB1019"], SpecFixture.Codes(RequestBuilder.Defaults().WithItem(SurfaceNames.Annotation, "com.example.a", ("Value", "x\0"))));
    }

    [Theory]
    [InlineData("team", "com.example.team")]
    [InlineData("x/y", "com.example.x-y")]
    [InlineData("com.example.", "com.example.com-example")]
    [InlineData(".com.example", "com.example.com-example")]
    [InlineData("1com.example", "com.example.1com-example")]
    [InlineData("com.example_team.key", "com.example.com-example-team-key")]
    public void A_key_not_in_reverse_domain_notation_is_warning_OCIB1085_and_still_written(string key, string suggestion)
    {
        var (spec, diagnostics) = SpecFixture.Diagnose(RequestBuilder.Defaults().WithItem(SurfaceNames.Annotation, key, ("Value", "x")));
        var warning = Assert.Single(diagnostics);
        Assert.Equal(("OCIB1085", DiagnosticSeverity.Warning), (warning.Code, warning.Severity));
        Assert.Contains($"such as {suggestion}.", warning.Message, StringComparison.Ordinal);
        Assert.Equal("x", spec.Annotations![key]);
    }

    [Theory]
    [InlineData("com.example.team")]
    [InlineData("io.kubernetes.cri-o.userns-mode")]
    [InlineData("Com.Example.Build2")]
    public void A_reverse_domain_key_is_clean(string key)
    {
        Assert.Empty(SpecFixture.Codes(RequestBuilder.Defaults().WithItem(SurfaceNames.Annotation, key, ("Value", "x"))));
    }
}
