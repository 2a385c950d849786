using OciBundle.Request;

namespace OciBundle.Tests.Building;

/// <summary>The single-value fields: umask, oomScoreAdj, security labels, rootfs propagation.</summary>
public class ProcessAndLinuxFieldTests
{
    [Theory]
    [InlineData("0022", 18)]
    [InlineData("027", 23)]
    [InlineData("0", 0)]
    [InlineData("0777", 511)]
    public void Umask_is_octal_and_written_as_a_number(string text, int value)
    {
        var user = SpecFixture.Json(RequestBuilder.Defaults().With(SurfaceNames.Umask, text)).GetProperty("process").GetProperty("user");
        SpecFixture.Equal($$"""{ "uid": 0, "gid": 0, "umask": {{value}} }""", user);
    }

    [Theory]
    [InlineData("1000")]
    [InlineData("0o1777")]
    [InlineData("8")]
    [InlineData("-1")]
    public void Bad_umask_is_OCIB1066(string text)
    {
        Assert.Equal(["OCIB1066"], SpecFixture.Codes(RequestBuilder.Defaults().With(SurfaceNames.Umask, text)));
    }

    [Theory]
    [InlineData("-1000")]
    [InlineData("0")]
    [InlineData("500")]
    [InlineData("1000")]
    public void Oom_score_adj_is_written(string text)
    {
        var process = SpecFixture.Json(RequestBuilder.Defaults().With(SurfaceNames.OomScoreAdj, text)).GetProperty("process");
        Assert.Equal(int.Parse(text, System.Globalization.CultureInfo.InvariantCulture), process.GetProperty("oomScoreAdj").GetInt32());
    }

    [Theory]
    [InlineData("-1001")]
    [InlineData("1001")]
    [InlineData("+5")]
    [InlineData("high")]
    public void Bad_oom_score_adj_is_OCIB1067(string text)
    {
        Assert.Equal(["OCIB1067"], SpecFixture.Codes(RequestBuilder.Defaults().With(SurfaceNames.OomScoreAdj, text)));
    }

    [Fact]
    public void Unset_fields_are_left_out()
    {
        var json = SpecFixture.Json(RequestBuilder.Defaults());
        var process = json.GetProperty("process");
        Assert.False(process.TryGetProperty("oomScoreAdj", out _));
        Assert.False(process.TryGetProperty("apparmorProfile", out _));
        Assert.False(process.TryGetProperty("selinuxLabel", out _));
        Assert.False(process.GetProperty("user").TryGetProperty("umask", out _));
        Assert.False(json.GetProperty("linux").TryGetProperty("mountLabel", out _));
        Assert.False(json.GetProperty("linux").TryGetProperty("rootfsPropagation", out _));
    }

    [Fact]
    public void Security_labels_are_written_as_given()
    {
        var json = SpecFixture.Json(RequestBuilder.Defaults()
            .With(SurfaceNames.ApparmorProfile, "docker-default")
            .With(SurfaceNames.SelinuxLabel, "system_u:system_r:container_t:s0:c1,c2")
            .With(SurfaceNames.MountLabel, "system_u:object_r:container_file_t:s0:c1,c2"));
        Assert.Equal("docker-default", json.GetProperty("process").GetProperty("apparmorProfile").GetString());
        Assert.Equal("system_u:system_r:container_t:s0:c1,c2", json.GetProperty("process").GetProperty("selinuxLabel").GetString());
        Assert.Equal("system_u:object_r:container_file_t:s0:c1,c2", json.GetProperty("linux").GetProperty("mountLabel").GetString());
    }

    [Theory]
    [InlineData(SurfaceNames.ApparmorProfile)]
    [InlineData(SurfaceNames.SelinuxLabel)]
    [InlineData(SurfaceNames.MountLabel)]
    public void NUL_in_a_label_is_OCIB1019(string name)
    {
        Assert.Equal(["OCIB1019"], SpecFixture.Codes(RequestBuilder.Defaults().With(name, "a\0b")));
    }

    [Theory]
    [InlineData("private", "private")]
    [InlineData("shared", "shared")]
    [InlineData("Slave", "slave")]
    [InlineData("unbindable", "unbindable")]
    public void Rootfs_propagation_is_written_in_lower_case(string text, string written)
    {
        Assert.Equal(written, SpecFixture.Json(RequestBuilder.Defaults().With(SurfaceNames.RootfsPropagation, text)).GetProperty("linux").GetProperty("rootfsPropagation").GetString());
    }

    [Fact]
    public void Unknown_rootfs_propagation_is_OCIB1068()
    {
        Assert.Equal(["OCIB1068"], SpecFixture.Codes(RequestBuilder.Defaults().With(SurfaceNames.RootfsPropagation, "shred")));
    }

    [Theory]
    [InlineData("rshared", "shared")]
    [InlineData("rprivate", "private")]
    [InlineData("rslave", "slave")]
    [InlineData("runbindable", "unbindable")]
    public void Recursive_rootfs_propagation_is_OCIB1069_and_names_the_plain_value(string text, string plain)
    {
        var (_, diagnostics) = SpecFixture.Diagnose(RequestBuilder.Defaults().With(SurfaceNames.RootfsPropagation, text));
        var error = Assert.Single(diagnostics);
        Assert.Equal("OCIB1069", error.Code);
        Assert.Contains($"use the plain value '{plain}'", error.Message, StringComparison.Ordinal);
    }
}
