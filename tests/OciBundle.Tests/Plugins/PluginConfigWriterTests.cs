using System.Runtime.Versioning;
using System.Text.Json;
using OciBundle.Diagnostics;
using OciBundle.Plugins;
using OciBundle.Request;
using OciBundle.Rootfs;
using OciBundle.Settings;
using OciBundle.Spec;
using OciBundle.Tests.Support;

namespace OciBundle.Tests.Plugins;

/// <summary>The Docker plugin config.json written for OciBundleFormat DockerPlugin, field by field, and its round trip.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class PluginConfigWriterTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static (JsonElement Config, byte[] Bytes, byte[] Spec) Write(BundleRequest request)
    {
        var (merged, spec, diagnostics) = PluginFixture.Diagnose(request);
        Assert.DoesNotContain(diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        var bytes = PluginConfigWriter.Write(SettingsReader.Read(new RequestReader(merged, new DiagnosticBag())), spec);
        using var document = JsonDocument.Parse(bytes);
        return (document.RootElement.Clone(), bytes, SpecJson.Serialize(spec));
    }

    private static List<string> Keys(JsonElement element) => element.EnumerateObject().Select(p => p.Name).ToList();

    private static List<string?> Strings(JsonElement array) => array.EnumerateArray().Select(e => e.GetString()).ToList();

    /// <summary>A plugin with one of everything, described in the project alone.</summary>
    private static BundleRequest RichProjectPlugin() => PluginFixture.Request()
        .With(SurfaceNames.PluginSocket, "rich.sock")
        .With(SurfaceNames.Description, "A rich plugin")
        .With(SurfaceNames.DocumentationUrl, "https://example.com/rich")
        .With(SurfaceNames.WorkingDirectory, "/srv")
        .With(SurfaceNames.NetworkMode, "host")
        .With(SurfaceNames.PropagatedMount, "/mnt/volumes")
        .With(SurfaceNames.AllowAllDevices, "false")
        .WithItem(SurfaceNames.PluginInterface, "docker.volumedriver/1.0")
        .WithItem(SurfaceNames.Entrypoint, "/usr/bin/rich")
        .WithItem(SurfaceNames.Args, "--level", ("Name", "args"), ("Description", "command-line arguments"), ("Settable", "value"))
        .WithItem(SurfaceNames.Args, "info")
        .WithItem(SurfaceNames.EnvironmentVariable, "DEBUG", ("Value", "0"), ("Settable", "value"), ("Description", "debug output"))
        .WithItem(SurfaceNames.Mount, "/mnt/state", ("Source", "/var/lib/rich"), ("Name", "state"), ("Settable", "source"), ("Mode", "rw"))
        .WithItem(SurfaceNames.Mount, "/tmp", ("Type", "tmpfs"), ("Source", "tmpfs"), ("Options", "nosuid,nodev"))
        .WithItem(SurfaceNames.Device, "/dev/fuse", ("Name", "fuse"), ("Settable", "path"))
        .WithItem(SurfaceNames.Capability, "CAP_SYS_ADMIN");

    [Fact]
    public void The_config_has_Dockers_fields_and_shapes()
    {
        var (config, bytes, _) = Write(RichProjectPlugin());

        Assert.Equal(
            ["Args", "Description", "Documentation", "Entrypoint", "Env", "Interface", "IpcHost", "Linux", "Mounts", "Network", "PidHost", "PropagatedMount", "User", "WorkDir"],
            Keys(config));
        var args = config.GetProperty("Args");
        Assert.Equal(["Description", "Name", "Settable", "Value"], Keys(args));
        Assert.Equal(("args", "command-line arguments"), (args.GetProperty("Name").GetString(), args.GetProperty("Description").GetString()));
        Assert.Equal(["value"], Strings(args.GetProperty("Settable")));
        Assert.Equal(["--level", "info"], Strings(args.GetProperty("Value")));
        Assert.Equal("A rich plugin", config.GetProperty("Description").GetString());
        Assert.Equal("https://example.com/rich", config.GetProperty("Documentation").GetString());
        Assert.Equal(["/usr/bin/rich"], Strings(config.GetProperty("Entrypoint")));

        var env = Assert.Single(config.GetProperty("Env").EnumerateArray());
        Assert.Equal(["Description", "Name", "Settable", "Value"], Keys(env));
        Assert.Equal(("DEBUG", "0", "debug output"), (env.GetProperty("Name").GetString(), env.GetProperty("Value").GetString(), env.GetProperty("Description").GetString()));

        var face = config.GetProperty("Interface");
        Assert.Equal(["Socket", "Types"], Keys(face)); // ProtocolScheme is omitempty, as in Docker
        Assert.Equal("rich.sock", face.GetProperty("Socket").GetString());
        Assert.Equal(["docker.volumedriver/1.0"], Strings(face.GetProperty("Types")));
        Assert.False(config.GetProperty("IpcHost").GetBoolean());
        Assert.False(config.GetProperty("PidHost").GetBoolean());

        var linux = config.GetProperty("Linux");
        Assert.Equal(["AllowAllDevices", "Capabilities", "Devices"], Keys(linux));
        Assert.Equal(["CAP_SYS_ADMIN"], Strings(linux.GetProperty("Capabilities"))); // Docker adds its defaults itself
        var device = Assert.Single(linux.GetProperty("Devices").EnumerateArray());
        Assert.Equal(["Description", "Name", "Path", "Settable"], Keys(device));
        Assert.Equal(("fuse", "/dev/fuse"), (device.GetProperty("Name").GetString(), device.GetProperty("Path").GetString()));

        var mounts = config.GetProperty("Mounts").EnumerateArray().ToList();
        Assert.Equal(2, mounts.Count); // the project's own: Docker has the defaults, the socket folder and the propagated mount
        Assert.Equal(["Description", "Destination", "Name", "Options", "Settable", "Source", "Type"], Keys(mounts[0]));
        Assert.Equal(("/mnt/state", "/var/lib/rich", "bind", "state"), (mounts[0].GetProperty("Destination").GetString(), mounts[0].GetProperty("Source").GetString(), mounts[0].GetProperty("Type").GetString(), mounts[0].GetProperty("Name").GetString()));
        Assert.Equal(["rbind", "rw"], Strings(mounts[0].GetProperty("Options")));
        Assert.Equal(["source"], Strings(mounts[0].GetProperty("Settable")));
        Assert.Equal(["nosuid", "nodev"], Strings(mounts[1].GetProperty("Options")));

        Assert.Equal("host", config.GetProperty("Network").GetProperty("Type").GetString());
        Assert.Equal("/mnt/volumes", config.GetProperty("PropagatedMount").GetString());
        Assert.Empty(Keys(config.GetProperty("User")));
        Assert.Equal("/srv", config.GetProperty("WorkDir").GetString());
        Assert.EndsWith("}\n", System.Text.Encoding.UTF8.GetString(bytes));
        Assert.DoesNotContain((byte)'\r', bytes);
    }

    /// <summary>
    /// A .NET app plugin names no OciEntrypoint: the SDK starts the apphost in the app folder, and
    /// Docker must be told the same, or it starts a container with no process (an empty
    /// Entrypoint). Regression: the config had "Entrypoint": [] and "WorkDir": "".
    /// </summary>
    [Fact]
    public void A_dotnet_app_plugin_gets_the_entrypoint_and_working_directory_the_SDK_chose()
    {
        var apphost = _temp.Combine("publish", "volumes");
        Directory.CreateDirectory(Path.GetDirectoryName(apphost)!);
        File.WriteAllText(apphost, "apphost");
        var request = PluginFixture.Request()
            .With(SurfaceNames.PluginSocket, "volume.sock")
            .With(SurfaceNames.PropagatedMount, "/data")
            .WithItem(SurfaceNames.PluginInterface, "docker.volumedriver/1.0")
            .With(SurfaceNames.IncludePublishOutput, "true")
            .With(PublishOutput.AssemblyNameProperty, "volumes")
            .With(PublishOutput.TargetFileNameProperty, "volumes.dll")
            .WithItem(PublishOutput.FileItemType, apphost, ("RelativePath", "volumes"))
            .WithItem(SurfaceNames.Args, "--verbose");

        var (config, bytes, spec) = Write(request);

        Assert.Equal(["/app/volumes"], Strings(config.GetProperty("Entrypoint")));
        Assert.Equal(["--verbose"], Strings(config.GetProperty("Args").GetProperty("Value")));
        Assert.Equal("/app", config.GetProperty("WorkDir").GetString());

        // Docker's view of the written config is the bundle's process.
        var path = _temp.Combine("written.json");
        File.WriteAllBytes(path, bytes);
        var (_, _, imported) = Write(PluginFixture.Request().With(SurfaceNames.PluginConfig, path));
        Assert.Equal(System.Text.Encoding.UTF8.GetString(spec), System.Text.Encoding.UTF8.GetString(imported));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("sample-volume-plugin.json")]
    [InlineData("sshfs-docs.json")]
    [InlineData("sshfs-full.json")]
    [InlineData("settings-without-defaults.json")]
    public void Importing_the_written_config_gives_the_same_spec(string? dataFile)
    {
        var original = dataFile is null ? RichProjectPlugin() : PluginFixture.Importing(dataFile);
        var (_, bytes, spec) = Write(original);
        var path = _temp.Combine("written.json");
        File.WriteAllBytes(path, bytes);

        var (_, again, roundTripped) = Write(PluginFixture.Request().With(SurfaceNames.PluginConfig, path));

        Assert.Equal(System.Text.Encoding.UTF8.GetString(spec), System.Text.Encoding.UTF8.GetString(roundTripped));
        Assert.Equal(bytes, again);
    }

    /// <summary>
    /// Issue 11, defects 1-3: settings users fill in with `docker plugin set` stay settable. Docker
    /// refuses `set NAME.source=` on a null mount source, cannot find a dropped variable, and needs
    /// the args' name even with no default values (DockerPluginTests runs the same through Docker).
    /// </summary>
    [Fact]
    public void Settings_without_defaults_stay_settable_in_file_order()
    {
        var (config, _, specBytes) = Write(PluginFixture.Importing("settings-without-defaults.json").With(SurfaceNames.PluginRuntimeSource, "/run/p"));

        var mounts = config.GetProperty("Mounts").EnumerateArray().ToList();
        Assert.Equal(["/state", "/dev/shm", "/cache"], mounts.Select(m => m.GetProperty("Destination").GetString()));
        Assert.Equal(JsonValueKind.String, mounts[0].GetProperty("Source").ValueKind);
        Assert.Equal("", mounts[0].GetProperty("Source").GetString());
        Assert.Equal("", mounts[2].GetProperty("Source").GetString());
        Assert.Equal("tmpfs", mounts[1].GetProperty("Source").GetString());

        var env = config.GetProperty("Env").EnumerateArray().ToList();
        Assert.Equal(["TOKEN", "MODE"], env.Select(e => e.GetProperty("Name").GetString()));
        Assert.Equal(JsonValueKind.Null, env[0].GetProperty("Value").ValueKind);
        Assert.Equal("API token, no default", env[0].GetProperty("Description").GetString());
        Assert.Equal(["value"], Strings(env[0].GetProperty("Settable")));
        Assert.Equal("fast", env[1].GetProperty("Value").GetString());

        var args = config.GetProperty("Args");
        Assert.Equal(("opts", "extra options"), (args.GetProperty("Name").GetString(), args.GetProperty("Description").GetString()));
        Assert.Equal(["value"], Strings(args.GetProperty("Settable")));
        Assert.Empty(Strings(args.GetProperty("Value")));

        // The runc bundle: no TOKEN (no default), MODE with its default, as Docker starts it before any set.
        var spec = System.Text.Encoding.UTF8.GetString(specBytes);
        Assert.DoesNotContain("TOKEN", spec, StringComparison.Ordinal);
        Assert.Contains("\"MODE=fast\"", spec, StringComparison.Ordinal);
    }

    [Fact]
    public void A_project_variable_settable_with_no_Value_has_no_default()
    {
        var (config, _, specBytes) = Write(PluginFixture.ProjectPlugin()
            .WithItem(SurfaceNames.EnvironmentVariable, "TOKEN", ("Settable", "value"))
            .WithItem(SurfaceNames.EnvironmentVariable, "EMPTY")
            .WithItem(SurfaceNames.EnvironmentVariable, "LEVEL", ("Value", "3"), ("Settable", "value")));

        var env = config.GetProperty("Env").EnumerateArray().ToList();
        Assert.Equal(["TOKEN", "EMPTY", "LEVEL"], env.Select(e => e.GetProperty("Name").GetString()));
        Assert.Equal(JsonValueKind.Null, env[0].GetProperty("Value").ValueKind);
        Assert.Equal("", env[1].GetProperty("Value").GetString()); // not settable: an empty value is a value
        var spec = System.Text.Encoding.UTF8.GetString(specBytes);
        Assert.DoesNotContain("TOKEN", spec, StringComparison.Ordinal);
        Assert.Contains("\"EMPTY=\"", spec, StringComparison.Ordinal);
        Assert.Contains("\"LEVEL=3\"", spec, StringComparison.Ordinal);
    }

    [Fact]
    public void The_files_args_setting_survives_the_projects_own_list()
    {
        var (config, _, _) = Write(PluginFixture.Importing("settings-without-defaults.json")
            .With(SurfaceNames.PluginRuntimeSource, "/run/p")
            .WithItem(SurfaceNames.Args, "--verbose"));

        var args = config.GetProperty("Args");
        Assert.Equal("opts", args.GetProperty("Name").GetString());
        Assert.Equal(["--verbose"], Strings(args.GetProperty("Value")));
    }

    [Fact]
    public void Every_list_keeps_the_files_order_and_a_dev_mount_its_place()
    {
        var path = _temp.Combine("order.json");
        File.WriteAllText(path, """
            { "entrypoint": ["/p"], "interface": { "types": ["docker.logdriver/1.0"], "socket": "p.sock" },
              "mounts": [
                { "destination": "/a", "type": "bind", "source": "/srv/a", "options": ["rbind"] },
                { "destination": "/dev/shm", "type": "tmpfs", "source": "tmpfs" },
                { "destination": "/b", "type": "bind", "source": "/srv/b", "options": ["rbind"] },
                { "destination": "/dev/mqueue", "type": "mqueue", "source": "mqueue" } ],
              "env": [ { "name": "B", "value": "1" }, { "name": "A", "value": "2" } ],
              "linux": { "capabilities": ["CAP_SYS_PTRACE", "CAP_NET_ADMIN", "CAP_IPC_LOCK"],
                         "devices": [ { "path": "/dev/fuse" }, { "path": "/dev/null" } ] } }
            """);
        var (config, _, _) = Write(PluginFixture.Request().With(SurfaceNames.PluginConfig, path));

        Assert.Equal(["/a", "/dev/shm", "/b", "/dev/mqueue"], config.GetProperty("Mounts").EnumerateArray().Select(m => m.GetProperty("Destination").GetString()));
        Assert.Equal(["/dev/fuse", "/dev/null"], config.GetProperty("Linux").GetProperty("Devices").EnumerateArray().Select(m => m.GetProperty("Path").GetString()));
        Assert.Equal(["CAP_SYS_PTRACE", "CAP_NET_ADMIN", "CAP_IPC_LOCK"], Strings(config.GetProperty("Linux").GetProperty("Capabilities")));
        Assert.Equal(["B", "A"], config.GetProperty("Env").EnumerateArray().Select(e => e.GetProperty("Name").GetString()));
    }
}
