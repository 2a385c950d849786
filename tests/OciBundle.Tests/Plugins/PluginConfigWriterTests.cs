using System.Runtime.Versioning;
using System.Text.Json;
using OciBundle.Building;
using OciBundle.Diagnostics;
using OciBundle.Plugins;
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
        var bytes = PluginConfigWriter.Write(new RequestReader(merged, new DiagnosticBag()), spec);
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
}
