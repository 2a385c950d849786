using OciBundle.Diagnostics;
using OciBundle.Images;
using OciBundle.Plugins;
using OciBundle.Request;
using OciBundle.Settings;
using OciBundle.Tests.Building;

namespace OciBundle.Tests.Images;

/// <summary>OciBundleFormat as a list, image names, tags, ports, labels and the Container* warnings.</summary>
public sealed class ImageSettingsTests
{
    private static (ImageSettings? Settings, DiagnosticBag Diagnostics) Read(BundleRequest request)
    {
        var diagnostics = new DiagnosticBag();
        var settings = ImageSettings.Read(new RequestReader(request, diagnostics));
        return (settings, diagnostics);
    }

    [Theory]
    [InlineData(null, BundleFormat.Runc)]
    [InlineData("Runc", BundleFormat.Runc)]
    [InlineData("image", BundleFormat.Image)]
    [InlineData("Runc;Image", BundleFormat.Runc | BundleFormat.Image)]
    [InlineData(" runc ; IMAGE ;", BundleFormat.Runc | BundleFormat.Image)]
    [InlineData("Both;Image", BundleFormat.Runc | BundleFormat.DockerPlugin | BundleFormat.Image)]
    [InlineData("DockerPlugin;Runc", BundleFormat.Both)]
    public void OciBundleFormat_is_a_list(string? text, BundleFormat expected)
    {
        var diagnostics = new DiagnosticBag();
        Assert.Equal(expected, SettingsReader.ReadFormats(new RequestReader(RequestBuilder.Defaults().With(SurfaceNames.BundleFormat, text), diagnostics)));
        Assert.Empty(diagnostics.Items);
    }

    [Theory]
    [InlineData("Runc;Oci", "'Oci'")]
    [InlineData(";", "';'")]
    [InlineData("docker", "'docker'")]
    public void An_unknown_format_names_the_entry_and_what_is_accepted(string text, string named)
    {
        var diagnostics = new DiagnosticBag();
        Assert.Null(SettingsReader.ReadFormats(new RequestReader(RequestBuilder.Defaults().With(SurfaceNames.BundleFormat, text), diagnostics)));
        var error = Assert.Single(diagnostics.Items);
        Assert.Equal("OCIB4018", error.Code);
        Assert.Contains(named, error.Message);
        Assert.Contains("Runc;Image", error.Message);
    }

    [Theory]
    [InlineData("app", "docker.io/library/app")]
    [InlineData("team/app", "docker.io/team/app")]
    [InlineData("my.app_2", "docker.io/library/my.app_2")]
    [InlineData("a__b/c-d--e", "docker.io/a__b/c-d--e")]
    [InlineData("registry.example.com:5000/team/app", "registry.example.com:5000/team/app")]
    [InlineData("localhost/app", "localhost/app")]
    public void Valid_names_and_the_full_name_docker_gives_them(string name, string full)
    {
        Assert.Null(ImageNames.WhyNotRepository(name));
        Assert.Equal(full, ImageNames.FullName(name));
    }

    [Theory]
    [InlineData("App", "uppercase")]
    [InlineData("app:1.0", "tag")]
    [InlineData("app@sha256:00", "digest")]
    [InlineData("app-", "'app-'")]
    [InlineData("team//app", "empty part")]
    [InlineData("", "empty")]
    [InlineData("my app", "'my app'")]
    [InlineData("bad_host.:1/app", "registry host")]
    public void Invalid_names_say_why(string name, string why)
    {
        Assert.Contains(why, ImageNames.WhyNotRepository(name));
    }

    [Fact]
    public void A_bad_name_is_OCIB1110_naming_where_it_came_from()
    {
        var (settings, diagnostics) = Read(RequestBuilder.Defaults().With(SurfaceNames.BundleName, "My_App"));
        Assert.Null(settings);
        var error = Assert.Single(diagnostics.Items);
        Assert.Equal("OCIB1110", error.Code);
        Assert.Contains("OciBundleName (the default of OciImageName) is 'My_App'", error.Message);

        error = Assert.Single(Read(RequestBuilder.Defaults().With(SurfaceNames.ImageName, "team/app:1")).Diagnostics.Items);
        Assert.Contains("OciImageName (or ContainerRepository) is 'team/app:1'", error.Message);
    }

    [Theory]
    [InlineData("latest", true)]
    [InlineData("1.2.0-rc.1_x", true)]
    [InlineData("_x", true)]
    [InlineData(".x", false)]
    [InlineData("-x", false)]
    [InlineData("a/b", false)]
    [InlineData("a:b", false)]
    [InlineData("x\n", false)]
    public void Tag_grammar(string tag, bool valid)
    {
        Assert.Equal(valid, ImageNames.IsTag(tag));
        Assert.False(ImageNames.IsTag(new string('a', 129)));
        Assert.True(ImageNames.IsTag(new string('a', 128)));
    }

    [Fact]
    public void Tags_default_to_latest_and_keep_their_order_without_repeats()
    {
        Assert.Equal(["latest"], Read(RequestBuilder.Defaults()).Settings!.Tags);
        var request = RequestBuilder.Defaults().WithItem(SurfaceNames.ImageTag, "2.0").WithItem(SurfaceNames.ImageTag, "edge").WithItem(SurfaceNames.ImageTag, "2.0");
        Assert.Equal(["2.0", "edge"], Read(request).Settings!.Tags);

        var (settings, diagnostics) = Read(RequestBuilder.Defaults().WithItem(SurfaceNames.ImageTag, "-bad"));
        Assert.Null(settings);
        Assert.Equal("OCIB1111", Assert.Single(diagnostics.Items).Code);
    }

    [Fact]
    public void Ports_are_sorted_by_number_with_tcp_by_default()
    {
        var request = RequestBuilder.Defaults()
            .WithItem(SurfaceNames.Port, "8080")
            .WithItem(SurfaceNames.Port, "53", ("Type", "UDP"))
            .WithItem(SurfaceNames.Port, "443/tcp")
            .WithItem(SurfaceNames.Port, "8080", ("Type", "tcp"));
        Assert.Equal(["53/udp", "443/tcp", "8080/tcp"], Read(request).Settings!.ExposedPorts);
    }

    [Theory]
    [InlineData("0", null, "OCIB1112")]
    [InlineData("65536", null, "OCIB1112")]
    [InlineData("-1", null, "OCIB1112")]
    [InlineData("http", null, "OCIB1112")]
    [InlineData("80/tcp", "udp", "OCIB1112")]
    [InlineData("80", "sctp", "OCIB1113")]
    [InlineData("80/sctp", null, "OCIB1113")]
    public void Bad_ports_are_errors(string include, string? type, string code)
    {
        var request = type is null ? RequestBuilder.Defaults().WithItem(SurfaceNames.Port, include) : RequestBuilder.Defaults().WithItem(SurfaceNames.Port, include, ("Type", type));
        var (settings, diagnostics) = Read(request);
        Assert.Null(settings);
        var error = Assert.Single(diagnostics.Items);
        Assert.Equal(code, error.Code);
        Assert.Contains($"OciPort '{include}'", error.Message);
    }

    [Fact]
    public void Labels_keep_their_values_and_refuse_control_characters()
    {
        var request = RequestBuilder.Defaults().WithItem(SurfaceNames.Label, "com.example.team", ("Value", "infra")).WithItem(SurfaceNames.Label, "empty");
        Assert.Equal([new("com.example.team", "infra"), new KeyValuePair<string, string>("empty", "")], Read(request).Settings!.Labels);

        var (settings, diagnostics) = Read(RequestBuilder.Defaults().WithItem(SurfaceNames.Label, "x", ("Value", "a\u0001b")));
        Assert.Null(settings);
        Assert.Equal("OCIB1114", Assert.Single(diagnostics.Items).Code);
    }

    [Fact]
    public void NuGets_placeholder_description_is_no_label()
    {
        Assert.Null(Read(RequestBuilder.Defaults().With(ForeignNames.Description, "Package Description")).Settings!.Metadata.Description);
        Assert.Equal("An app", Read(RequestBuilder.Defaults().With(ForeignNames.Description, "An app")).Settings!.Metadata.Description);
    }

    [Theory]
    [InlineData("ContainerRegistry", "registry.example.com", true)]
    [InlineData("LocalRegistry", "Docker", true)]
    [InlineData("ContainerFamily", "jammy-chiseled", true)]
    [InlineData("ContainerArchiveOutputPath", "out/image.tar.gz", true)]
    [InlineData("ContainerRuntimeIdentifiers", "linux-x64;linux-arm64", true)]
    [InlineData("ContainerImageFormat", "Docker", true)]
    [InlineData("ContainerImageFormat", "oci", false)]
    [InlineData("ContainerAppCommandInstruction", "Entrypoint", true)]
    [InlineData("ContainerInformationUrl", "https://example.com", true)]
    [InlineData("ContainerDocumentationUrl", "https://example.com/docs", true)]
    [InlineData("ContainerVendor", "Example Ltd", true)]
    public void Container_properties_we_cannot_honour_are_warnings_never_silence(string name, string value, bool warned)
    {
        var diagnostics = new DiagnosticBag();
        ContainerNames.Warn(new RequestReader(RequestBuilder.Defaults().With(name, value), diagnostics));
        if (!warned)
        {
            Assert.Empty(diagnostics.Items);
            return;
        }

        var warning = Assert.Single(diagnostics.Items);
        Assert.Equal("OCIB1115", warning.Code);
        Assert.Equal(OciBundle.Diagnostics.DiagnosticSeverity.Warning, warning.Severity);
        Assert.StartsWith($"{name} is '{value}'", warning.Message);
    }
}
