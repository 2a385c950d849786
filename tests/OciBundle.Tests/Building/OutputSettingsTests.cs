using OciBundle.Diagnostics;
using OciBundle.Plugins;
using OciBundle.Request;
using OciBundle.Settings;
using OciBundle.Steps;

namespace OciBundle.Tests.Building;

/// <summary>
/// The rootfs, output and image groups are read once by the settings stage (issue 14 item 2):
/// each bad value is reported there, once, and the generator and the later stages take the typed
/// values without reading the request again.
/// </summary>
public class OutputSettingsTests
{
    private static BundleRequest Bad() => RequestBuilder.Defaults()
        .With(SurfaceNames.BundleOutputPath, "/tmp/never-written")
        .With(SurfaceNames.BundleFormat, "Image")
        .With(SurfaceNames.RootfsFormat, "zip")
        .With(SurfaceNames.SourceDateEpoch, "yesterday")
        .With(SurfaceNames.BaseRootfsMaxSize, "lots")
        .WithItem(SurfaceNames.ImageTag, "not a tag")
        .With(ForeignNames.ContainerRegistry, "registry.example");

    [Fact]
    public void Bad_rootfs_output_and_image_values_are_reported_by_the_settings_stage()
    {
        var diagnostics = new DiagnosticBag();
        var reader = new RequestReader(Bad(), diagnostics);

        var settings = SettingsReader.Read(reader);
        var afterSettings = diagnostics.Items.Select(d => d.Code).ToList();
        SpecBuilder.Build(reader, settings);

        string[] group = ["OCIB1007", "OCIB1009", "OCIB1080", "OCIB1111", "OCIB1115"];
        Assert.Equal(group, afterSettings.Where(group.Contains).Order());
        Assert.DoesNotContain(diagnostics.Items.Skip(afterSettings.Count), d => group.Contains(d.Code)); // the steps read none of them
        Assert.Equal(RootfsFormat.TarGz, settings.Output!.Format); // a refused value falls back, as before
        Assert.Equal(0, settings.Output.SourceDateEpoch);
        Assert.Equal(BundleFormat.Image, settings.Output.BundleFormat);
        Assert.Null(settings.Image); // malformed: left out, reported
    }

    [Fact]
    public void The_generator_reports_each_once()
    {
        var reported = new List<Diagnostic>();

        Assert.Null(BundleGenerator.Generate(Bad(), reported.Add));

        foreach (var code in new[] { "OCIB1007", "OCIB1009", "OCIB1080", "OCIB1111", "OCIB1115" })
        {
            Assert.Single(reported, d => d.Code == code);
        }
    }

    [Fact]
    public void Without_an_output_folder_a_spec_is_still_built_and_only_the_generator_says_OCIB5004()
    {
        var request = RequestBuilder.Defaults().With(SurfaceNames.BundleOutputPath, "").With(SurfaceNames.RootfsFormat, "zip");
        var diagnostics = new DiagnosticBag();

        var settings = SettingsReader.Read(new RequestReader(request, diagnostics));

        Assert.Null(settings.Output);
        Assert.Empty(diagnostics.Items); // nothing else of the output group is read without its folder, as before

        var reported = new List<Diagnostic>();
        Assert.Null(BundleGenerator.Generate(request, reported.Add));
        Assert.Equal("OCIB5004", Assert.Single(reported).Code);
    }

    [Fact]
    public void The_later_stages_find_the_items_they_point_at_in_the_settings()
    {
        var request = RequestBuilder.Defaults()
            .With(SurfaceNames.User, "app:staff")
            .WithItem(SurfaceNames.AdditionalGroup, "wheel")
            .WithItem(SurfaceNames.AdditionalGroup, "10")
            .WithItem(SurfaceNames.Args, "--serve");

        var process = SettingsReader.Read(new RequestReader(request, new DiagnosticBag())).Process;

        Assert.Equal("app:staff", process.UserText);
        Assert.Equal(["wheel", "10"], process.AdditionalGroups.Select(g => g.Value));
        Assert.All(process.AdditionalGroups, g => Assert.Equal(SurfaceNames.AdditionalGroup, g.Origin.Name));
        Assert.Equal([10u], process.AdditionalGids!.Value); // the numbers now, the names once the rootfs is read
        Assert.Equal(1, process.ArgsItemCount);
    }
}
