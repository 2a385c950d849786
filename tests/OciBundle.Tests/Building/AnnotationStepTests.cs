using OciBundle.Building;

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
            .WithItem(SurfaceNames.Annotation, "empty");
        SpecFixture.Equal(
            """{ "Com.Example.Build": "42", "com.example.team": "payments", "empty": "", "io.kubernetes.cri.container-type": "container" }""",
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
        Assert.Equal(["OCIB1019"], SpecFixture.Codes(RequestBuilder.Defaults().WithItem(SurfaceNames.Annotation, "a", ("Value", "x\0"))));
    }
}
