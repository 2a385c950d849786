using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace OciBundle.EndToEnd.Tests;

/// <summary>
/// Test plugins built with the packed SDK go through the real Docker, from plugin/ and from
/// plugin.tar.gz: create, inspect against what we wrote, set every settable field, enable (the
/// test server really serves Docker's protocol), then disable and rm. Issue 11's defects 1-3 are
/// the settings here: a mount source, a variable and named args that have no default.
/// </summary>
[Collection(SdkFeedCollection.Name)]
public sealed class DockerPluginTests(SdkFeed feed, ITestOutputHelper output)
{
    /// <summary>Docker's own file format, as a plugin author writes it: settings users must fill in, and a /dev/ mount among the others.</summary>
    private const string PluginConfig = """
        {
          "description": "OciBundle end-to-end test plugin",
          "documentation": "https://example.com/ocib",
          "entrypoint": ["/bin/plugin-server"],
          "interface": { "types": ["docker.volumedriver/1.0"], "socket": "plugin.sock" },
          "propagatedMount": "/data",
          "args": { "name": "opts", "description": "extra options", "settable": ["value"], "value": [] },
          "env": [
            { "name": "TOKEN", "description": "API token, no default", "settable": ["value"] },
            { "name": "MODE", "settable": ["value"], "value": "fast" },
            { "name": "FIXTURE_REPORT", "value": "/state/report" }
          ],
          "mounts": [
            { "name": "state", "description": "where the plugin keeps its state", "destination": "/state",
              "type": "bind", "options": ["rbind"], "settable": ["source"], "source": "" },
            { "destination": "/dev/shm", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "nodev", "size=1m"] },
            { "name": "scratch", "destination": "/scratch", "type": "tmpfs", "source": "tmpfs", "options": ["size=1m"] }
          ],
          "linux": { "devices": [ { "name": "dev", "path": "/dev/null", "settable": ["path"] } ] }
        }
        """;

    private const string ProjectXml = """
        <Project Sdk="Microsoft.Build.NoTargets/3.7.0">
          <Sdk Name="OciBundle.Sdk" Version="{Version}" />
          <PropertyGroup>
            <TargetFramework>net8.0</TargetFramework>
            <OciPluginConfig>config.json</OciPluginConfig>
            <OciBundleFormat>Both</OciBundleFormat>
          </PropertyGroup>
          <ItemGroup>
            <OciRootfsFile Include="$(PluginServer)" TargetPath="/bin/plugin-server" Mode="0755" />
            <!-- Distinct content per build: Docker refuses a second plugin with a byte-identical rootfs. -->
            <OciRootfsFile Include="variant.txt" TargetPath="/etc/variant" />
            <OciRootfsDirectory Include="/run/docker/plugins" />
            <!-- The project's own setting with no default: settable, no Value. -->
            <OciEnvironmentVariable Include="PROJECT_TOKEN" Settable="value" Description="set by the user" />
          </ItemGroup>
        </Project>
        """;

    [Fact]
    public void Every_settable_field_of_a_built_plugin_is_set_and_Docker_enables_it_from_both_outputs()
    {
        if (!Docker.Usable(output) || FixturePluginServer.Path(output) is not { } server)
        {
            return;
        }

        var project = feed.CreateProject(
            "docker-plugin-settings",
            ProjectXml,
            ("config.json", PluginConfig, false),
            ("variant.txt", Guid.NewGuid().ToString("N") + "\n", false));
        project.BuildSucceeds($"-p:PluginServer={server}");
        var written = JsonNode.Parse(File.ReadAllText(project.BundleFile(Path.Combine("plugin", "config.json"))))!.AsObject();

        // The folder as written, then the tarball unpacked the way docs/outputs.md says.
        EnableWithEverySetting(written, project.BundleFile("plugin"), "folder");
        var unpacked = Path.Combine(project.Directory, "from-tarball");
        Directory.CreateDirectory(unpacked);
        var tar = ProcessResult.Run("tar", ["-xzf", project.BundleFile("plugin.tar.gz"), "-C", unpacked]);
        Assert.True(tar.ExitCode == 0, tar.All);
        EnableWithEverySetting(written, unpacked, "tarball");
    }

    private void EnableWithEverySetting(JsonObject written, string pluginFolder, string from)
    {
        var name = Docker.UniqueName("settings-" + from);
        var state = Directory.CreateTempSubdirectory("ocib-plugin-state-").FullName;
        try
        {
            Docker.Succeeds(output, "plugin", "create", name, pluginFolder);

            // Docker keeps the config as we wrote it, field by field (it adds only its own: DockerVersion, rootfs).
            var created = Inspect(name);
            var config = created["Config"]!.AsObject();
            foreach (var (field, value) in written)
            {
                Assert.True(JsonNode.DeepEquals(value, config[field]), $"{from}: Docker's Config.{field} is {config[field]?.ToJsonString()}, we wrote {value?.ToJsonString()}");
            }

            // Before any set: the defaults only; no TOKEN or PROJECT_TOKEN (no default), MODE's default.
            var settings = created["Settings"]!;
            Assert.Equal(["MODE=fast", "FIXTURE_REPORT=/state/report"], Strings(settings["Env"]));
            Assert.Equal(["/state", "/dev/shm", "/scratch"], settings["Mounts"]!.AsArray().Select(m => m!["Destination"]!.GetValue<string>()));
            Assert.False(created["Enabled"]!.GetValue<bool>());

            Docker.Succeeds(output, "plugin", "set", name, $"state.source={state}", "TOKEN=abc", "MODE=slow", "PROJECT_TOKEN=xyz", "opts=-x -y", "dev.path=/dev/zero");
            Docker.Succeeds(output, "plugin", "enable", "--timeout", "60", name);

            var enabled = Inspect(name);
            Assert.True(enabled["Enabled"]!.GetValue<bool>(), $"{from}: not enabled");
            settings = enabled["Settings"]!;
            Assert.Equal(["MODE=slow", "FIXTURE_REPORT=/state/report", "TOKEN=abc", "PROJECT_TOKEN=xyz"], Strings(settings["Env"]));
            Assert.Equal(["-x", "-y"], Strings(settings["Args"]));
            Assert.Equal(state, settings["Mounts"]![0]!["Source"]!.GetValue<string>());
            Assert.Equal("/dev/zero", settings["Devices"]![0]!["Path"]!.GetValue<string>());

            // What the plugin's process really got from Docker, written into the mount users set.
            var report = File.ReadAllLines(Path.Combine(state, "report"));
            Assert.Equal("args=-x -y", report[0]);
            Assert.Contains("TOKEN=abc", report);
            Assert.Contains("MODE=slow", report);
            Assert.Contains("PROJECT_TOKEN=xyz", report);

            Docker.Succeeds(output, "plugin", "disable", name);
            Docker.Succeeds(output, "plugin", "rm", name);
        }
        finally
        {
            Docker.RemovePlugin(name);
            Directory.Delete(state, recursive: true);
        }
    }

    private JsonObject Inspect(string name) =>
        JsonNode.Parse(Docker.Succeeds(output, "plugin", "inspect", name))!.AsArray().Single()!.AsObject();

    private static List<string> Strings(JsonNode? array) => array!.AsArray().Select(n => n!.GetValue<string>()).ToList();
}
