using OciBundle.Diagnostics;
using OciBundle.Request;
using OciBundle.Settings;
using OciBundle.Steps;

namespace OciBundle.Tests.Building;

/// <summary>The process group is read once by the settings stage; ProcessStep and RlimitStep only apply it.</summary>
public class ProcessSettingsTests
{
    [Fact]
    public void Bad_process_values_are_reported_by_the_settings_stage_and_the_steps_add_nothing()
    {
        var request = RequestBuilder.Defaults()
            .With(SurfaceNames.Umask, "8")
            .With(SurfaceNames.OomScoreAdj, "2000")
            .WithItem(SurfaceNames.Rlimit, "nofile", ("Soft", "2"), ("Hard", "1"));
        var diagnostics = new DiagnosticBag();
        var reader = new RequestReader(request, diagnostics);

        var settings = SettingsReader.Read(reader);
        var afterSettings = diagnostics.Items.Select(d => d.Code).ToList();
        var spec = SpecBuilder.Build(reader, settings).Spec;

        Assert.Equal(["OCIB1066", "OCIB1067", "OCIB1018"], afterSettings.Where(c => c is "OCIB1066" or "OCIB1067" or "OCIB1018"));
        Assert.Equal(afterSettings, diagnostics.Items.Select(d => d.Code));
        Assert.Null(settings.Process.Umask);
        Assert.Null(settings.Process.OomScoreAdj);
        Assert.Equal([new RlimitValue("RLIMIT_NOFILE", 1024, 1024)], settings.Process.Rlimits.Select(l => l.Value)); // the package default stays
        Assert.Null(spec.Process.User.Umask);
        Assert.Equal(1024UL, Assert.Single(spec.Process.Rlimits!).Soft);
    }

    [Fact]
    public void A_repeated_rlimit_keeps_its_place_and_points_at_the_last_item()
    {
        // The package's default RLIMIT_NOFILE comes first; the project's replaces it in place.
        var request = RequestBuilder.Defaults()
            .WithItem(SurfaceNames.Rlimit, "RLIMIT_CORE", ("Soft", "0"))
            .WithItem(SurfaceNames.Rlimit, "nofile", ("Soft", "5"), ("Hard", "9"));
        var reader = new RequestReader(request, new DiagnosticBag());

        var settings = SettingsReader.Read(reader);

        Assert.Empty(reader.Diagnostics.Items);
        Assert.Equal(
            [new RlimitValue("RLIMIT_NOFILE", 5, 9), new RlimitValue("RLIMIT_CORE", 0, 0)],
            settings.Process.Rlimits.Select(l => l.Value));
        Assert.Equal(SurfaceNames.Rlimit, settings.Process.Rlimits[0].Origin.Name);
    }

    [Fact]
    public void The_command_records_its_origin_for_the_rules()
    {
        var request = RequestBuilder.Defaults().WithItem(SurfaceNames.Entrypoint, "/app/run").WithItem(SurfaceNames.Args, "--serve");
        var built = SpecBuilder.Build(new RequestReader(request, new DiagnosticBag()));

        // The package's default entrypoint items come first, as in the spec.
        Assert.Equal(["/app/run", "--serve"], built.Settings.Process.Args.Value.TakeLast(2));
        Assert.Equal(built.Settings.Process.Args.Value, built.Spec.Process.Args);
        Assert.Equal(SurfaceNames.Entrypoint, built.Origins.Of(SpecPaths.Args)?.Name);
    }
}
