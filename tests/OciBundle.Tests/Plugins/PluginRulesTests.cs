using System.Runtime.Versioning;
using OciBundle.Diagnostics;
using OciBundle.Plugins;
using OciBundle.Request;
using OciBundle.Rootfs;
using OciBundle.Settings;
using OciBundle.Tests.Building;
using OciBundle.Tests.Support;

namespace OciBundle.Tests.Plugins;

/// <summary>The OCIB40xx checks, each from the project and, where it belongs there, from a plugin config.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class PluginRulesTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static List<string> Codes(BundleRequest request) => PluginFixture.Codes(request);

    private List<string> FileCodes(string json)
    {
        var path = _temp.Combine("config.json");
        File.WriteAllText(path, json);
        return Codes(PluginFixture.Request().With(SurfaceNames.PluginConfig, path));
    }

    [Fact]
    public void A_project_plugin_with_socket_and_interface_is_clean() =>
        Assert.Empty(Codes(PluginFixture.ProjectPlugin()));

    [Fact]
    public void A_mount_with_no_source_is_an_error_unless_users_may_set_it()
    {
        Assert.Equal(["OCIB4004"], Codes(PluginFixture.ProjectPlugin().WithItem(SurfaceNames.Mount, "/state", ("Type", "bind"))));
        Assert.Equal(["OCIB4005"], Codes(PluginFixture.ProjectPlugin().WithItem(SurfaceNames.Mount, "/state", ("Type", "bind"), ("Name", "state"), ("Settable", "source"))));
        Assert.Equal(["OCIB4004"], FileCodes("""
            { "entrypoint": ["/p"], "interface": { "socket": "p.sock", "types": ["docker.logdriver/1.0"] },
              "mounts": [ { "destination": "/state", "type": "bind", "options": ["rbind"] } ] }
            """));
    }

    [Fact]
    public void A_bind_mount_in_the_file_needs_bind_or_rbind()
    {
        Assert.Equal(["OCIB4006"], FileCodes("""
            { "entrypoint": ["/p"], "interface": { "socket": "p.sock", "types": ["docker.logdriver/1.0"] },
              "mounts": [ { "destination": "/state", "type": "bind", "source": "/srv", "options": ["ro"] } ] }
            """));
    }

    [Theory]
    [InlineData("docker.volumedriver/1.0", true)]
    [InlineData("docker.networkdriver/1.0", true)]
    [InlineData("docker.ipamdriver/1.0", true)]
    [InlineData("docker.authz/1.0", true)]
    [InlineData("docker.logdriver/1.0", true)]
    [InlineData("docker.metricscollector/1.0", true)]
    [InlineData("docker.VolumeDriver/1.0", false)]
    [InlineData("volumedriver/1.0", false)]
    [InlineData("docker.volumedriver", false)]
    [InlineData("docker.storagedriver/1.0", false)]
    [InlineData("moby.volumedriver/1.0", false)]
    public void Interface_types_need_docker_a_known_lower_case_capability_and_a_version(string type, bool valid)
    {
        Assert.Equal(valid, PluginRules.IsValidInterfaceType(type));
        var request = PluginFixture.Request().With(SurfaceNames.PluginSocket, "p.sock").WithItem(SurfaceNames.PluginInterface, type).WithItem(SurfaceNames.Entrypoint, "/p")
            .With(SurfaceNames.PropagatedMount, "/data");
        Assert.Equal(valid ? [] : ["OCIB4007"], Codes(request));
    }

    [Fact]
    public void The_socket_is_a_name_and_the_protocol_scheme_is_Dockers()
    {
        Assert.Equal(["OCIB4008"], Codes(PluginFixture.ProjectPlugin().With(SurfaceNames.PluginSocket, "run/p.sock")));
        Assert.Equal(["OCIB4009"], Codes(PluginFixture.ProjectPlugin().With(SurfaceNames.PluginProtocolScheme, "grpc")));
        Assert.Empty(Codes(PluginFixture.ProjectPlugin().With(SurfaceNames.PluginProtocolScheme, "moby.plugins.http/v1")));
    }

    [Fact]
    public void Settable_fields_are_those_Docker_allows()
    {
        Assert.Equal(["OCIB4010"], Codes(PluginFixture.ProjectPlugin().WithItem(SurfaceNames.EnvironmentVariable, "LEVEL", ("Value", "1"), ("Settable", "value;name"))));
        Assert.Equal(["OCIB4010"], Codes(PluginFixture.ProjectPlugin().WithItem(SurfaceNames.Mount, "/m", ("Source", "/srv"), ("Name", "m"), ("Settable", "destination"))));
        Assert.Equal(["OCIB4010"], Codes(PluginFixture.ProjectPlugin().WithItem(SurfaceNames.Device, "/dev/fuse", ("Name", "fuse"), ("Settable", "value"))));
        Assert.Equal(["OCIB4010"], Codes(PluginFixture.ProjectPlugin().WithItem(SurfaceNames.Args, "-v", ("Name", "args"), ("Settable", "source"))));
        Assert.Empty(Codes(PluginFixture.ProjectPlugin()
            .WithItem(SurfaceNames.EnvironmentVariable, "LEVEL", ("Value", "1"), ("Settable", "value"))
            .WithItem(SurfaceNames.Mount, "/m", ("Source", "/srv"), ("Name", "m"), ("Settable", "source"))
            .WithItem(SurfaceNames.Device, "/dev/fuse", ("Name", "fuse"), ("Settable", "path"))
            .WithItem(SurfaceNames.Args, "-v", ("Name", "args"), ("Settable", "value"))));
    }

    [Fact]
    public void Setting_names_must_not_clash_or_hold_a_dot()
    {
        var clash = PluginFixture.Diagnose(PluginFixture.ProjectPlugin()
            .WithItem(SurfaceNames.EnvironmentVariable, "state", ("Value", "1"))
            .WithItem(SurfaceNames.Mount, "/state", ("Source", "/srv"), ("Name", "state"))).Diagnostics;
        var error = Assert.Single(clash);
        Assert.Equal("OCIB4011", error.Code);
        Assert.Contains("OciEnvironmentVariable 'state'", error.Message);
        Assert.Contains("OciMount '/state'", error.Message);

        Assert.Equal(["OCIB4011"], Codes(PluginFixture.ProjectPlugin()
            .WithItem(SurfaceNames.Device, "/dev/fuse", ("Name", "dev"))
            .WithItem(SurfaceNames.Args, "-v", ("Name", "dev"))));
        Assert.Equal(["OCIB4012"], Codes(PluginFixture.ProjectPlugin().WithItem(SurfaceNames.Mount, "/m", ("Source", "/srv"), ("Name", "my.mount"))));

        // The project replacing the file's mount (same destination) is not a clash.
        Assert.DoesNotContain("OCIB4011", Codes(PluginFixture.Importing("sshfs-full.json").WithItem(SurfaceNames.Mount, "/mnt/state", ("Source", "/srv"), ("Name", "state"))));
    }

    [Fact]
    public void Env_names_Docker_could_never_set_and_devices_outside_dev_are_refused_in_the_file()
    {
        Assert.Equal(["OCIB4013"], FileCodes("""
            { "entrypoint": ["/p"], "interface": { "socket": "p.sock", "types": ["docker.logdriver/1.0"] },
              "env": [ { "name": "A=B", "value": "1" } ] }
            """));
        Assert.Equal(["OCIB4014"], FileCodes("""
            { "entrypoint": ["/p"], "interface": { "socket": "p.sock", "types": ["docker.logdriver/1.0"] },
              "linux": { "devices": [ { "name": "disk", "path": "/srv/disk" } ] } }
            """));
    }

    [Fact]
    public void A_volume_driver_without_a_propagated_mount_warns()
    {
        var request = PluginFixture.Request().With(SurfaceNames.PluginSocket, "v.sock").WithItem(SurfaceNames.PluginInterface, "docker.volumedriver/1.0").WithItem(SurfaceNames.Entrypoint, "/p");
        var warning = Assert.Single(PluginFixture.Diagnose(request).Diagnostics);
        Assert.Equal(("OCIB4016", DiagnosticSeverity.Warning), (warning.Code, warning.Severity));
        Assert.Empty(Codes(request.With(SurfaceNames.PropagatedMount, "/data")));
    }

    [Fact]
    public void Paths_must_be_absolute()
    {
        Assert.Equal(["OCIB4019"], Codes(PluginFixture.ProjectPlugin().With(SurfaceNames.PropagatedMount, "data")));
        Assert.Equal(["OCIB4020"], Codes(PluginFixture.ProjectPlugin().With(SurfaceNames.PluginRuntimeSource, "run/plugins")));
    }

    [Fact]
    public void A_plugin_needs_a_socket_and_interface_types()
    {
        var error = Assert.Single(PluginFixture.Diagnose(PluginFixture.Request().WithItem(SurfaceNames.Entrypoint, "/p").With(SurfaceNames.BundleFormat, "DockerPlugin")).Diagnostics);
        Assert.Equal("OCIB4021", error.Code);
        Assert.Contains("interface socket and no interface types", error.Message);
        Assert.Equal(["OCIB4021"], Codes(PluginFixture.Request().WithItem(SurfaceNames.Entrypoint, "/p").With(SurfaceNames.PluginSocket, "p.sock")));
    }

    [Fact]
    public void Dropping_a_Docker_default_capability_warns_for_the_plugin_format()
    {
        var request = PluginFixture.ProjectPlugin().With(SurfaceNames.BundleFormat, "DockerPlugin");
        request.WithItems(SurfaceNames.Capability, request.GetItems(SurfaceNames.Capability).Where(c => c.ItemSpec != "CAP_NET_RAW"));
        var warning = Assert.Single(PluginFixture.Diagnose(request).Diagnostics);
        Assert.Equal("OCIB4022", warning.Code);
        Assert.Contains("CAP_NET_RAW", warning.Message);
        Assert.Empty(Codes(request.With(SurfaceNames.BundleFormat, "Both").WithItem(SurfaceNames.Capability, "CAP_NET_RAW")));
    }

    [Fact]
    public void An_unknown_bundle_format_is_refused()
    {
        var diagnostics = new DiagnosticBag();
        var reader = new RequestReader(RequestBuilder.Defaults().With(SurfaceNames.BundleFormat, "oci"), diagnostics);
        SettingsReader.Read(reader); // the output group is read there too
        Assert.Equal("OCIB4018", Assert.Single(diagnostics.Items).Code);
    }

    [Fact]
    public void The_rootfs_needs_run_docker_plugins()
    {
        var diagnostics = new DiagnosticBag();
        var reader = new RequestReader(PluginFixture.ProjectPlugin(), diagnostics);
        var tree = new RootfsTree();
        PluginRootfs.Check(diagnostics, SettingsReader.Read(reader), tree);
        Assert.Equal("OCIB4015", Assert.Single(diagnostics.Items).Code);

        tree.EnsureDirectory("run/docker/plugins", "test");
        var clean = new DiagnosticBag();
        var plugin = new RequestReader(PluginFixture.ProjectPlugin(), clean);
        PluginRootfs.Check(clean, SettingsReader.Read(plugin), tree);
        Assert.Empty(clean.Items);

        // Not a plugin: not checked.
        var other = new RequestReader(RequestBuilder.Defaults(), clean);
        PluginRootfs.Check(clean, SettingsReader.Read(other), new RootfsTree());
        Assert.Empty(clean.Items);
    }

    [Fact]
    public void The_propagated_mount_folder_is_added_to_the_rootfs()
    {
        var tree = new RootfsTree();
        PluginRootfs.AddMountPoints(SettingsReader.Read(new RequestReader(PluginFixture.ProjectPlugin().With(SurfaceNames.PropagatedMount, "/mnt/volumes/"), new DiagnosticBag())), tree);
        Assert.True(tree.ResolveDirectory("mnt/volumes"));
    }
}
