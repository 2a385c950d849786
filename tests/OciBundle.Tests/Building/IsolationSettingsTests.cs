using OciBundle.Diagnostics;
using OciBundle.Request;
using OciBundle.Settings;
using OciBundle.Steps;

namespace OciBundle.Tests.Building;

/// <summary>
/// The isolation, general and kernel-and-labels groups are read once by the settings stage; their
/// steps only apply them (and say what a setting means for the spec: OCIB2081, OCIB2090).
/// </summary>
public class IsolationSettingsTests
{
    private static (BundleSettings Settings, BuiltSpec Built, List<string> AfterSettings, List<string> All) Build(BundleRequest request)
    {
        var diagnostics = new DiagnosticBag();
        var reader = new RequestReader(request, diagnostics);
        var settings = SettingsReader.Read(reader);
        var afterSettings = diagnostics.Items.Select(d => d.Code).ToList();
        var built = SpecBuilder.Build(reader, settings);
        return (settings, built, afterSettings, diagnostics.Items.Select(d => d.Code).ToList());
    }

    [Fact]
    public void Bad_isolation_values_are_reported_once_by_the_settings_stage_and_the_steps_add_nothing()
    {
        var request = RequestBuilder.Defaults()
            .With(SurfaceNames.NetworkMode, "bridge")
            .With(SurfaceNames.Hostname, "bad host")
            .With(SurfaceNames.UserNamespace, "yes")
            .WithItem(SurfaceNames.Capability, "CAP_NOPE")
            .WithItem(SurfaceNames.Capability, "CAP_SYS_TIME", ("Ambient", "maybe"))
            .WithItem(SurfaceNames.Namespace, "netwrok")
            .WithItem(SurfaceNames.Mount, "relative", ("Source", "x"))
            .WithItem(SurfaceNames.Device, "/tmp/fuse")
            .WithItem(SurfaceNames.UidMapping, "0", ("HostID", "-1"), ("Size", "1"));

        var (settings, built, afterSettings, all) = Build(request);

        string[] expected = ["OCIB1012", "OCIB1001", "OCIB1014", "OCIB1013", "OCIB1029", "OCIB1033", "OCIB1034", "OCIB1001", "OCIB1020"];
        Assert.Equal(expected, afterSettings.Where(expected.Contains));
        Assert.Equal(afterSettings, all);

        // A refused value is left out, or stays as it was written when the rules must see it.
        Assert.DoesNotContain(settings.Isolation.Capabilities, c => c.Value.Name == "CAP_NOPE");
        Assert.Contains(settings.Isolation.Capabilities, c => c.Value == new CapabilityValue("CAP_SYS_TIME", false));
        Assert.Empty(settings.Isolation.UidMappings.Values);
        Assert.False(settings.Isolation.UserNamespace.Value);
        Assert.Equal("bad host", built.Spec.Hostname);
        Assert.DoesNotContain(built.Spec.Mounts, m => m.Destination == "relative");
    }

    [Fact]
    public void A_refused_mount_keeps_its_origin_under_its_destination_and_the_default_mount_stays()
    {
        var location = new SourceLocation("/p/app.proj", 12, 6);
        var request = RequestBuilder.Defaults();
        request.WithItems(SurfaceNames.Mount, request.GetItems(SurfaceNames.Mount).Append(
            new RequestItem("/sys", new Dictionary<string, string> { ["Mode"] = "bad" }, () => location)));

        var (_, built, _, all) = Build(request);

        Assert.Equal(["OCIB1021"], all.Where(c => c.StartsWith("OCIB10", StringComparison.Ordinal)));
        Assert.Equal("sysfs", Assert.Single(built.Spec.Mounts, m => m.Destination == "/sys").Type);
        Assert.Equal(location, built.Origins.Of(SpecPaths.Mount("/sys"))?.Location);
    }

    [Fact]
    public void The_hostname_defaults_to_the_bundle_name_only_with_a_uts_namespace()
    {
        var withUts = Build(RequestBuilder.Defaults().With(SurfaceNames.BundleName, "web"));
        var request = RequestBuilder.Defaults().With(SurfaceNames.BundleName, "web");
        request.WithItems(SurfaceNames.Namespace, request.GetItems(SurfaceNames.Namespace).Where(i => i.ItemSpec != "uts"));
        var withoutUts = Build(request);

        Assert.Equal("web", withUts.Settings.Isolation.Hostname?.Value);
        Assert.Equal(SurfaceNames.Hostname, withUts.Built.Origins.Of(SpecPaths.Hostname)?.Name);
        Assert.Equal("web", withUts.Built.Spec.Hostname);
        Assert.Null(withoutUts.Settings.Isolation.Hostname);
        Assert.Null(withoutUts.Built.Spec.Hostname);
    }

    [Fact]
    public void The_seccomp_profile_is_read_by_the_settings_stage_and_not_at_all_when_privileged()
    {
        var missing = Build(RequestBuilder.Defaults().With(SurfaceNames.SeccompProfile, "/no/such/profile.json"));
        var privileged = Build(RequestBuilder.Defaults().With(SurfaceNames.SeccompProfile, "/no/such/profile.json").With(SurfaceNames.Privileged, "true"));
        var unconfined = Build(RequestBuilder.Defaults().With(SurfaceNames.SeccompProfile, "Unconfined"));

        Assert.Equal(["OCIB3041"], missing.AfterSettings);
        Assert.Equal(missing.AfterSettings, missing.All);
        Assert.Null(missing.Built.Spec.Linux.Seccomp);
        Assert.DoesNotContain("OCIB3041", privileged.All);
        Assert.True(unconfined.Settings.Isolation.Seccomp.Unconfined);
        Assert.Empty(unconfined.AfterSettings);
        Assert.Equal(["OCIB2090"], unconfined.All); // what the spec becomes is the step's to say
        Assert.NotNull(Build(RequestBuilder.Defaults()).Built.Spec.Linux.Seccomp);
    }

    [Fact]
    public void Bad_general_and_kernel_values_are_reported_once_by_the_settings_stage()
    {
        var request = RequestBuilder.Defaults()
            .With(SurfaceNames.SpecVersion, "0.9")
            .With(SurfaceNames.RootfsPropagation, "sideways")
            .WithItem(SurfaceNames.Sysctl, "Bad Key", ("Value", "1"))
            .WithItem(SurfaceNames.Sysctl, "net.core.somaxconn")
            .WithItem(SurfaceNames.Annotation, "org.opencontainers.mine", ("Value", "x"))
            .WithItem(SurfaceNames.Hook, "/bin/hook", ("Stage", "prestrat"));

        var (settings, built, afterSettings, all) = Build(request);

        string[] expected = ["OCIB1026", "OCIB1058", "OCIB1059", "OCIB1068", "OCIB1060", "OCIB1062"];
        Assert.Equal(expected, afterSettings.Where(c => c.StartsWith("OCIB10", StringComparison.Ordinal)));
        Assert.Equal(afterSettings, all);
        Assert.Equal("0.9", built.Spec.OciVersion); // still written, so the version rules see it
        Assert.Null(settings.Kernel.RootfsPropagation);
        Assert.Empty(settings.Kernel.Hooks);

        // The key without a value keeps its origin, as the step always recorded it.
        Assert.Null(Assert.Single(settings.Kernel.Sysctls).Value);
        Assert.Null(built.Spec.Linux.Sysctl);
        Assert.NotNull(built.Origins.Of(SpecPaths.Sysctl("net.core.somaxconn")));
    }
}
