using System.Runtime.Versioning;
using OciBundle.Request;
using OciBundle.Settings;
using OciBundle.Spec;
using OciBundle.Tests.Building;
using OciBundle.Tests.Support;

namespace OciBundle.Tests.Plugins;

/// <summary>OciPluginConfig: Docker's documented configs and each field's mapping into the spec.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class PluginImportTests : IDisposable
{
    private const string DefaultPath = "PATH=" + SpecVocabulary.DefaultPath;
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private BundleRequest Config(string json)
    {
        var path = _temp.Combine("config.json");
        File.WriteAllText(path, json);
        return PluginFixture.Request().With(SurfaceNames.PluginConfig, path);
    }

    private static Mount MountAt(RuntimeSpec spec, string destination) => Assert.Single(spec.Mounts, m => m.Destination == destination);

    [Fact]
    public void Docker_sample_volume_plugin_builds_the_spec_Docker_builds()
    {
        var spec = PluginFixture.Spec(PluginFixture.Importing("sample-volume-plugin.json"));

        Assert.Equal(["/usr/bin/sample-volume-plugin", "/data"], spec.Process.Args);
        Assert.Equal([DefaultPath, "DEBUG=0"], spec.Process.Env);
        Assert.Equal("/", spec.Process.Cwd);
        Assert.False(spec.Process.Terminal);
        Assert.False(spec.Root.Readonly);

        var runtime = MountAt(spec, "/run/docker/plugins");
        Assert.Equal(("bind", "/run/docker/plugins/app"), (runtime.Type, runtime.Source));
        Assert.Equal(["rbind", "rshared"], runtime.Options);

        var propagated = MountAt(spec, "/data");
        Assert.Equal(("bind", "rootfs/data"), (propagated.Type, propagated.Source));
        Assert.Equal(["rbind", "rshared"], propagated.Options);
        Assert.Equal("shared", spec.Linux.RootfsPropagation);

        // Network type "": the namespace stays and nothing is bound over /etc.
        Assert.Contains(spec.Linux.Namespaces, n => n.Type == "network");
        Assert.DoesNotContain(spec.Mounts, m => m.Destination == "/etc/hosts");
        Assert.Equal(RequestBuilder.DefaultCapabilities.Length, spec.Process.Capabilities!.Bounding.Count);
    }

    [Fact]
    public void Docker_sshfs_example_shares_the_host_network_and_adds_its_capability()
    {
        // The docs' sshfs config has no propagatedMount: a volume driver without one warns (OCIB4016).
        var spec = PluginFixture.Spec(PluginFixture.Importing("sshfs-docs.json"), "OCIB2081", "OCIB2082", "OCIB4016");

        Assert.Equal(["/docker-volume-sshfs"], spec.Process.Args);
        Assert.DoesNotContain(spec.Linux.Namespaces, n => n.Type == "network");
        Assert.Equal(["rbind", "ro"], MountAt(spec, "/etc/hosts").Options);
        Assert.Equal("/etc/resolv.conf", MountAt(spec, "/etc/resolv.conf").Source);
        Assert.Equal([.. RequestBuilder.DefaultCapabilities, "CAP_SYS_ADMIN"], spec.Process.Capabilities!.Bounding);
        Assert.Null(spec.Linux.RootfsPropagation);
    }

    [Fact]
    public void Full_sshfs_config_maps_mounts_devices_settings_and_the_propagated_mount()
    {
        var (merged, spec, diagnostics) = PluginFixture.Diagnose(PluginFixture.Importing("sshfs-full.json"));

        // /root/.ssh has an empty source that users set with docker plugin set: a warning, not an error.
        Assert.Equal(["OCIB2081", "OCIB2082", "OCIB4005"], diagnostics.Select(d => d.Code).Order());
        var warning = diagnostics.Single(d => d.Code == "OCIB4005");
        Assert.Contains("sshkey.source", warning.Message);
        Assert.Equal(PluginFixture.DataFile("sshfs-full.json"), warning.Location!.File);
        Assert.Equal(45, warning.Location.Line); // the mount object in "mounts"

        var state = MountAt(spec, "/mnt/state");
        Assert.Equal(("bind", "/var/lib/docker/plugins/"), (state.Type, state.Source));
        Assert.Equal(["rbind"], state.Options);
        var device = Assert.Single(spec.Linux.Devices!);
        Assert.Equal(("/dev/fuse", "c", 10L, 229L), (device.Path, device.Type, device.Major, device.Minor));
        Assert.Equal(["rbind", "rshared"], MountAt(spec, "/mnt/volumes").Options);
        Assert.Equal("shared", spec.Linux.RootfsPropagation);

        var env = Assert.Single(merged.GetItems(SurfaceNames.EnvironmentVariable));
        Assert.Equal(("DEBUG", "value"), (env.ItemSpec, env.Get("Settable")));
        Assert.Equal("state", merged.GetItems(SurfaceNames.Mount).Single(m => m.ItemSpec == "/mnt/state").Get("Name"));
    }

    [Fact]
    public void Keys_match_in_any_case_and_workdir_args_ipc_pid_and_devices_map()
    {
        var spec = PluginFixture.Spec(Config("""
            {
              "ENTRYPOINT": ["/bin/plugin"],
              "args": { "name": "args", "settable": ["value"], "value": ["--debug", "-v"] },
              "workDir": "/srv",
              "iPcHoSt": true,
              "PIDHOST": true,
              "interface": { "socket": "p.sock", "types": ["docker.authz/1.0"] },
              "linux": { "allowalldevices": true }
            }
            """), "OCIB2081", "OCIB2081");

        Assert.Equal(["/bin/plugin", "--debug", "-v"], spec.Process.Args);
        Assert.Equal("/srv", spec.Process.Cwd);
        Assert.DoesNotContain(spec.Linux.Namespaces, n => n.Type is "ipc" or "pid");
        var rule = Assert.Single(spec.Linux.Resources!.Devices!);
        Assert.True(rule.Allow);
        Assert.Null(rule.Major);
    }

    [Fact]
    public void Another_network_type_binds_the_host_files_and_keeps_the_namespace()
    {
        var spec = PluginFixture.Spec(Config("""
            { "entrypoint": ["/p"], "network": { "type": "bridge" }, "interface": { "socket": "p.sock", "types": ["docker.networkdriver/1.0"] } }
            """));

        Assert.Contains(spec.Linux.Namespaces, n => n.Type == "network");
        Assert.Equal(["rbind", "ro"], MountAt(spec, "/etc/hosts").Options);
        Assert.Equal(["rbind", "ro"], MountAt(spec, "/etc/resolv.conf").Options);
    }

    [Fact]
    public void A_mount_under_dev_replaces_only_the_default_at_the_same_destination()
    {
        // Docker's loop removes by index while it removes, and can drop the wrong default mount.
        var spec = PluginFixture.Spec(Config("""
            { "entrypoint": ["/p"], "interface": { "socket": "p.sock", "types": ["docker.logdriver/1.0"] },
              "mounts": [ { "destination": "/dev/shm", "type": "tmpfs", "source": "shm", "options": ["size=1g"] } ] }
            """));

        // The package's seven default mounts, /dev/shm replaced in its place (the helper had three before issue 14).
        Assert.Equal(["/proc", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue", "/sys", "/sys/fs/cgroup"], spec.Mounts.Take(7).Select(m => m.Destination));
        Assert.Equal(["size=1g"], MountAt(spec, "/dev/shm").Options);
        Assert.Equal("mqueue", MountAt(spec, "/dev/mqueue").Type);
    }

    [Fact]
    public void The_project_adds_to_or_replaces_what_the_file_says()
    {
        var request = PluginFixture.Importing("sshfs-full.json")
            .With(SurfaceNames.WorkingDirectory, "/work")
            .WithItem(SurfaceNames.Entrypoint, "/usr/local/bin/sshfs-plugin")
            .WithItem(SurfaceNames.EnvironmentVariable, "DEBUG", ("Value", "1"))
            .WithItem(SurfaceNames.EnvironmentVariable, "EXTRA", ("Value", "x"))
            .WithItem(SurfaceNames.Mount, "/root/.ssh", ("Source", "/home/me/.ssh"), ("Name", "sshkey"))
            .WithItem(SurfaceNames.Capability, "CAP_NET_ADMIN");
        var spec = PluginFixture.Spec(request, "OCIB2081", "OCIB2082");

        Assert.Equal(["/usr/local/bin/sshfs-plugin"], spec.Process.Args);
        Assert.Equal("/work", spec.Process.Cwd);
        Assert.Equal([DefaultPath, "DEBUG=1", "EXTRA=x"], spec.Process.Env);
        Assert.Equal("/home/me/.ssh", MountAt(spec, "/root/.ssh").Source);
        Assert.Equal([.. RequestBuilder.DefaultCapabilities, "CAP_SYS_ADMIN", "CAP_NET_ADMIN"], spec.Process.Capabilities!.Bounding);
    }

    [Fact]
    public void A_variable_without_a_value_is_left_out_as_Docker_does()
    {
        var spec = PluginFixture.Spec(Config("""
            { "entrypoint": ["/p"], "interface": { "socket": "p.sock", "types": ["docker.logdriver/1.0"] },
              "env": [ { "name": "TOKEN", "settable": ["value"] }, { "name": "LEVEL", "value": "info" } ] }
            """));

        Assert.Equal([DefaultPath, "LEVEL=info"], spec.Process.Env);
    }

    [Theory] // found by fuzzing: the member lookup threw InvalidOperationException (MSB4018)
    [InlineData("{\n  \"entrypoint\": [\"/p\"],\n  \"desc\u00F4ription\": \"x\"\n}\n", 3, 3)]
    [InlineData("{\n  \"entrypoint\": [\"/p\u00C3\"]\n}\n", 2, 18)]
    [InlineData("{\n  \"entrypoint\": [\"/p\"],\n  \"workdir\": \"/\\ud800\"\n}\n", 3, 14)]
    public void A_string_that_is_not_text_is_OCIB4001_at_its_position(string latin1, int line, int column)
    {
        var path = _temp.Combine("config.json");
        File.WriteAllBytes(path, System.Text.Encoding.Latin1.GetBytes(latin1)); // Latin-1: one byte per char, so U+00F4 is the lone byte 0xF4
        var diagnostic = PluginFixture.Diagnose(PluginFixture.Request().With(SurfaceNames.PluginConfig, path)).Diagnostics[0];
        Assert.Equal("OCIB4001", diagnostic.Code);
        Assert.Equal((path, line, column), (diagnostic.Location!.File, diagnostic.Location.Line, diagnostic.Location.Column));
        Assert.Contains("not text", diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Malformed_json_points_at_the_line_and_column()
    {
        // Reported first; what the missing entrypoint and interface then cause follows.
        var diagnostic = PluginFixture.Diagnose(Config("{\n  \"entrypoint\": [\"/p\",\n}\n")).Diagnostics[0];
        Assert.Equal("OCIB4001", diagnostic.Code);
        Assert.Equal((_temp.Combine("config.json"), 3), (diagnostic.Location!.File, diagnostic.Location.Line));
        Assert.True(diagnostic.Location.Column > 0);
    }

    [Fact]
    public void A_value_of_the_wrong_kind_points_at_it()
    {
        var diagnostics = PluginFixture.Diagnose(Config("{\n  \"entrypoint\": \"/p\",\n  \"linux\": { \"capabilities\": [1] }\n}\n")).Diagnostics;
        var wrong = diagnostics.Where(d => d.Code == "OCIB4003").ToList();
        Assert.Equal(2, wrong.Count);
        Assert.Equal((2, 17), (wrong[0].Location!.Line, wrong[0].Location!.Column));
        Assert.Contains("a list", wrong[0].Message);
        Assert.Equal(3, wrong[1].Location!.Line);
        Assert.Contains("linux.capabilities[0]", wrong[1].Message);
    }

    [Fact]
    public void A_missing_file_is_reported_at_the_property()
    {
        var codes = PluginFixture.Codes(PluginFixture.Request().With(SurfaceNames.PluginConfig, _temp.Combine("missing.json")));
        Assert.Contains("OCIB4002", codes);
    }

    [Fact]
    public void Errors_in_imported_values_point_into_the_file()
    {
        var (_, _, diagnostics) = PluginFixture.Diagnose(Config("""
            {
              "entrypoint": ["/p"],
              "interface": { "socket": "p.sock", "types": ["docker.logdriver/1.0"] },
              "linux": { "capabilities": ["CAP_NOPE"] },
              "workdir": "relative"
            }
            """));

        var capability = Assert.Single(diagnostics, d => d.Code == "OCIB1012");
        Assert.Equal((_temp.Combine("config.json"), 4), (capability.Location!.File, capability.Location.Line));
        var workdir = Assert.Single(diagnostics, d => d.Code == "OCIB1002");
        Assert.Equal(5, workdir.Location!.Line);
    }

    [Fact]
    public void User_is_ignored_with_a_warning()
    {
        var codes = PluginFixture.Codes(Config("""
            { "entrypoint": ["/p"], "interface": { "socket": "p.sock", "types": ["docker.logdriver/1.0"] }, "user": { "UID": 1000, "GID": 1000 } }
            """));
        Assert.Equal(["OCIB4017"], codes);
    }

    [Fact]
    public void Ordinary_bundles_get_nothing_of_a_plugin()
    {
        var spec = PluginFixture.Spec(RequestBuilder.Defaults());
        Assert.DoesNotContain(spec.Mounts, m => m.Destination == "/run/docker/plugins");
    }
}
