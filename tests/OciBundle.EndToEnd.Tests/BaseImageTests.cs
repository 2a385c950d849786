using System.Text.Json;
using Xunit.Abstractions;

namespace OciBundle.EndToEnd.Tests;

/// <summary>
/// OciBaseImage end to end: a busybox image made in the test by umoci from the build machine's
/// static busybox (config: Entrypoint, Cmd, Env, WorkingDir), read through oci-archive: and, after
/// skopeo copies it, docker-archive:; the bundle runs under runc with the image's settings and the
/// project's on top. umoci or skopeo missing is a failure, never a skip.
/// </summary>
[Collection(SdkFeedCollection.Name)]
public sealed class BaseImageTests(SdkFeed feed, ITestOutputHelper output)
{
    private const string Script = "echo \"image=$IMAGE_VAR project=$PROJECT_VAR over=$OVER\"; pwd; cat /added.txt; cat greeting.txt";

    private string Tool(string tool, params string[] args) =>
        ImageTools.Succeeds(output, tool, tool == "skopeo" ? ["--insecure-policy", .. args] : args);

    /// <summary>An OCI layout at <paramref name="layout"/>:latest with /bin/busybox, /bin/sh and /srv/work/greeting.txt, in two layers.</summary>
    private void BusyboxLayout(string layout)
    {
        var busybox = new[] { "/bin/busybox", "/usr/bin/busybox" }.FirstOrDefault(File.Exists);
        Assert.True(busybox is not null, "busybox-static is missing: install Debian's busybox-static (.ci/run does)");
        ImageTools.NewImage(output, layout, "latest");
        ImageTools.AddLayer(output, layout, "latest", rootfs =>
        {
            Directory.CreateDirectory(Path.Combine(rootfs, "bin"));
            File.Copy(busybox, Path.Combine(rootfs, "bin/busybox"));
            File.CreateSymbolicLink(Path.Combine(rootfs, "bin/sh"), "busybox");
            File.CreateSymbolicLink(Path.Combine(rootfs, "bin/cat"), "busybox");
            File.CreateSymbolicLink(Path.Combine(rootfs, "bin/pwd"), "busybox");
        });
        ImageTools.AddLayer(output, layout, "latest", rootfs =>
        {
            Directory.CreateDirectory(Path.Combine(rootfs, "srv/work"));
            File.WriteAllText(Path.Combine(rootfs, "srv/work/greeting.txt"), "greeting from the image\n");
        });
        ImageTools.Configure(
            output, layout, "latest",
            "--config.entrypoint", "/bin/sh", "--config.entrypoint", "-c",
            "--config.cmd", Script,
            "--config.env", "IMAGE_VAR=from-image", "--config.env", "OVER=image", "--config.env", "PATH=/bin",
            "--config.workingdir", "/srv/work");
    }

    private InvalidProject Project(string name, string baseImage) => new(name, "")
    {
        Entrypoint = false,
        Properties = $"<OciBaseImage>{baseImage}</OciBaseImage>",
        Items = """
            <OciEnvironmentVariable Include="OVER" Value="project" />
            <OciEnvironmentVariable Include="PROJECT_VAR" Value="p" />
            <OciRootfsFile Include="added.txt" TargetPath="/added.txt" />
            """,
        Files = [("added.txt", "added by the project\n")],
    };

    private void AssertRuns(TestProject project)
    {
        using (var config = JsonDocument.Parse(File.ReadAllText(project.BundleFile("config.json"))))
        {
            var process = config.RootElement.GetProperty("process");
            Assert.Equal(["/bin/sh", "-c", Script], process.GetProperty("args").EnumerateArray().Select(a => a.GetString()));
            Assert.Equal("/srv/work", process.GetProperty("cwd").GetString());
            Assert.Equal(["PATH=/bin", "IMAGE_VAR=from-image", "OVER=project", "PROJECT_VAR=p"], process.GetProperty("env").EnumerateArray().Select(a => a.GetString()));
        }

        if (!Runc.Usable(output))
        {
            return;
        }

        var run = Runc.Run(Runc.Unpack(project.BundleDirectory));
        Assert.True(run.ExitCode == 0, run.All);
        Assert.Equal(
            ["image=from-image project=p over=project", "/srv/work", "added by the project", "greeting from the image"],
            run.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void A_busybox_image_from_an_oci_archive_runs_with_its_config_and_the_projects_additions()
    {
        var good = Project("image-oci-archive", "oci-archive:base.tar");
        var project = good.Create(feed);
        BusyboxLayout(Path.Combine(project.Directory, "layout"));
        Tool("skopeo", "copy", "oci:" + Path.Combine(project.Directory, "layout") + ":latest", "oci-archive:" + Path.Combine(project.Directory, "base.tar"));

        project.BuildSucceeds();
        AssertRuns(project);

        // Unchanged image, unchanged project: up to date.
        var stamp = File.GetLastWriteTimeUtc(project.BundleFile("config.json"));
        Thread.Sleep(1100);
        project.BuildSucceeds();
        Assert.Equal(stamp, File.GetLastWriteTimeUtc(project.BundleFile("config.json")));
    }

    [Fact]
    public void The_same_image_through_docker_archive_runs_the_same()
    {
        var project = Project("image-docker-archive", "docker-archive:docker.tar:busybox:latest").Create(feed);
        BusyboxLayout(Path.Combine(project.Directory, "layout"));
        Tool("skopeo", "copy", "oci:" + Path.Combine(project.Directory, "layout") + ":latest", "docker-archive:" + Path.Combine(project.Directory, "docker.tar") + ":busybox:latest");

        project.BuildSucceeds();
        AssertRuns(project);
    }

    /// <summary>
    /// Images in and out in one build: the image written over a base image keeps the base's layers
    /// byte for byte (same digests) and adds one layer with the project's changes; its config is the
    /// merged one. umoci+runc and docker load+run give the same output as the bundle.
    /// </summary>
    [Fact]
    public void An_image_written_over_a_base_image_reuses_its_layers_and_runs_under_umoci_runc_and_docker()
    {
        var name = Docker.UniqueName("on-base");
        var project = (Project("image-out-on-base", "oci-archive:base.tar") with
        {
            Properties = $"<OciBaseImage>oci-archive:base.tar</OciBaseImage><OciBundleFormat>Runc;Image</OciBundleFormat><OciImageName>{name}</OciImageName>",
        }).Create(feed);
        var layout = Path.Combine(project.Directory, "layout");
        BusyboxLayout(layout);
        Tool("skopeo", "copy", "oci:" + layout + ":latest", "oci-archive:" + Path.Combine(project.Directory, "base.tar"));

        project.BuildSucceeds();
        AssertRuns(project);

        string[] expected = ["image=from-image project=p over=project", "/srv/work", "added by the project", "greeting from the image"];
        static List<string> Strings(JsonElement array) => array.EnumerateArray().Select(e => e.GetString()!).ToList();
        List<string> baseLayers, ourLayers;
        using (var inspected = JsonDocument.Parse(Tool("skopeo", "inspect", "oci:" + layout + ":latest")))
        {
            baseLayers = Strings(inspected.RootElement.GetProperty("Layers"));
        }

        using (var inspected = JsonDocument.Parse(Tool("skopeo", "inspect", "oci:" + project.BundleFile("image") + ":latest")))
        {
            ourLayers = Strings(inspected.RootElement.GetProperty("Layers"));
        }

        Assert.Equal(baseLayers.Count + 1, ourLayers.Count);
        Assert.Equal(baseLayers, ourLayers.Take(baseLayers.Count));
        using (var config = JsonDocument.Parse(Tool("skopeo", "inspect", "--config", "oci:" + project.BundleFile("image") + ":latest")))
        {
            var c = config.RootElement.GetProperty("config");
            Assert.Equal(["/bin/sh", "-c"], Strings(c.GetProperty("Entrypoint")));
            Assert.Equal([Script], Strings(c.GetProperty("Cmd")));
            Assert.Equal("/srv/work", c.GetProperty("WorkingDir").GetString());
            Assert.Contains("OVER=project", Strings(c.GetProperty("Env")));
        }

        if (Runc.Usable(output))
        {
            var unpacked = Path.Combine(project.Directory, "umoci-bundle");
            Tool("umoci", "unpack", "--image", project.BundleFile("image") + ":latest", unpacked);
            var configPath = Path.Combine(unpacked, "config.json");
            var runtimeConfig = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(configPath))!;
            runtimeConfig["process"]!["terminal"] = false; // umoci asks for a terminal; the test has none
            File.WriteAllText(configPath, runtimeConfig.ToJsonString());
            var run = Runc.Run(unpacked);
            Assert.True(run.ExitCode == 0, run.All);
            Assert.Equal(expected, run.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }

        if (Docker.Usable(output))
        {
            try
            {
                Docker.Succeeds(output, "load", "-i", project.BundleFile("image.tar"));
                var stdout = Docker.Succeeds(output, "run", "--rm", "--network", "none", $"{name}:latest");
                Assert.Equal(expected, stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            }
            finally
            {
                Docker.Run(output, "rmi", "--force", $"{name}:latest");
            }
        }
    }

    [Fact]
    public void Zstd_layers_are_read_by_the_packed_task()
    {
        // The .NET SDK cannot read tar+zstd base images; the packed task carries ZstdSharp for them.
        var project = Project("image-zstd", "oci:zstd:latest").Create(feed);
        BusyboxLayout(Path.Combine(project.Directory, "layout"));
        Tool("skopeo", "copy", "--dest-compress", "--dest-compress-format", "zstd", "oci:" + Path.Combine(project.Directory, "layout") + ":latest", "oci:" + Path.Combine(project.Directory, "zstd") + ":latest");
        Assert.Contains("tar+zstd", string.Concat(Directory.GetFiles(Path.Combine(project.Directory, "zstd", "blobs", "sha256")).Where(f => new FileInfo(f).Length < 4096).Select(File.ReadAllText)), StringComparison.Ordinal);

        project.BuildSucceeds();
        AssertRuns(project);
    }

    [Fact]
    public void A_self_contained_dotnet_app_gets_its_C_libraries_from_a_runtime_deps_like_image()
    {
        // What mcr.microsoft.com/dotnet/runtime-deps holds, made here by umoci from this machine's
        // loader and libraries (x64): the bundle carries none of its own (OciIncludeSharedLibraries off).
        Assert.Equal(System.Runtime.InteropServices.Architecture.X64, System.Runtime.InteropServices.RuntimeInformation.OSArchitecture);
        var imageName = Docker.UniqueName("dotnet-on-base");
        var created = feed.CreateProject("base-image-dotnet", $$"""
            <Project Sdk="Microsoft.NET.Sdk">
              <Sdk Name="OciBundle.Sdk" Version="{Version}" />
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <RuntimeIdentifier>linux-x64</RuntimeIdentifier>
                <SelfContained>true</SelfContained>
                <InvariantGlobalization>true</InvariantGlobalization>
                <OciIncludeSharedLibraries>false</OciIncludeSharedLibraries>
                <OciBundleOutputPath>bin/Debug/net10.0/oci-bundle/</OciBundleOutputPath>
                <OciBaseImage>oci-archive:runtime-deps.tar</OciBaseImage>
                <OciBundleFormat>Runc;Image</OciBundleFormat>
                <OciImageName>{{imageName}}</OciImageName>
              </PropertyGroup>
            </Project>
            """, ("Program.cs", "Console.WriteLine($\"hello cwd={Environment.CurrentDirectory} from={Environment.GetEnvironmentVariable(\"FROM_IMAGE\")}\");", false));
        var csproj = Path.ChangeExtension(created.ProjectFile, ".csproj");
        File.Move(created.ProjectFile, csproj);
        var project = new TestProject(feed, created.Directory, csproj, "net10.0");

        var layout = Path.Combine(project.Directory, "layout");
        ImageTools.NewImage(output, layout, "latest");
        ImageTools.AddLayer(output, layout, "latest", rootfs =>
        {
            Directory.CreateDirectory(Path.Combine(rootfs, "lib/x86_64-linux-gnu"));
            Directory.CreateDirectory(Path.Combine(rootfs, "lib64"));
            Directory.CreateDirectory(Path.Combine(rootfs, "tmp"));
            File.Copy("/lib64/ld-linux-x86-64.so.2", Path.Combine(rootfs, "lib64/ld-linux-x86-64.so.2"));
            foreach (var library in new[] { "libc.so.6", "libm.so.6", "libstdc++.so.6", "libgcc_s.so.1", "libdl.so.2", "libpthread.so.0", "librt.so.1" })
            {
                File.Copy(Path.Combine("/lib/x86_64-linux-gnu", library), Path.Combine(rootfs, "lib/x86_64-linux-gnu", library)); // the file a link names
            }
        });
        ImageTools.Configure(output, layout, "latest", "--config.env", "FROM_IMAGE=runtime-deps");
        ImageTools.ToOciArchive(output, layout, "latest", Path.Combine(project.Directory, "runtime-deps.tar"));

        project.BuildSucceeds();
        using (var config = JsonDocument.Parse(File.ReadAllText(project.BundleFile("config.json"))))
        {
            var process = config.RootElement.GetProperty("process");
            Assert.Equal("/app/base-image-dotnet", process.GetProperty("args")[0].GetString());
            Assert.Contains("FROM_IMAGE=runtime-deps", process.GetProperty("env").EnumerateArray().Select(e => e.GetString()));
        }

        if (Runc.Usable(output))
        {
            var run = Runc.Run(Runc.Unpack(project.BundleDirectory));
            Assert.True(run.ExitCode == 0, run.All);
            Assert.Equal(["hello cwd=/app from=runtime-deps"], run.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }

        // The same app as an image on that base, under Docker.
        if (Docker.Usable(output))
        {
            try
            {
                Docker.Succeeds(output, "load", "-i", project.BundleFile("image.tar"));
                var stdout = Docker.Succeeds(output, "run", "--rm", "--network", "none", $"{imageName}:latest");
                Assert.Equal(["hello cwd=/app from=runtime-deps"], stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            }
            finally
            {
                Docker.Run(output, "rmi", "--force", $"{imageName}:latest");
            }
        }
    }

    [Fact]
    public void A_registry_reference_is_OCIB1100_at_its_element_with_the_fix()
    {
        var invalid = new InvalidProject("image-registry-ref", "OCIB1100")
        {
            Entrypoint = false,
            Properties = "<OciBaseImage>mcr.microsoft.com/dotnet/runtime-deps:10.0</OciBaseImage>",
            Needle = "<OciBaseImage>",
        };
        var project = invalid.Create(feed);
        var failed = project.Build();
        Assert.True(failed.ExitCode != 0, failed.All);
        var line = Assert.Single(BuildLog.Lines(failed, "error", "OCIB1100"));
        Assert.StartsWith(invalid.ExpectedStart(project, "error"), line, StringComparison.Ordinal);
        Assert.Contains("skopeo copy docker://mcr.microsoft.com/dotnet/runtime-deps:10.0 oci-archive:base.tar", line, StringComparison.Ordinal);
        Assert.False(Directory.Exists(project.BundleDirectory));
    }

    [Fact]
    public void A_changed_layer_blob_is_OCIB3104_and_leaves_the_previous_bundle()
    {
        var project = Project("image-tampered", "oci:layout").Create(feed);
        var layout = Path.Combine(project.Directory, "layout");
        BusyboxLayout(layout);
        project.BuildSucceeds();
        var before = InvalidProjectRebuildTests.Snapshot(project.BundleDirectory);

        // The largest blob is the busybox layer: change one byte in its middle.
        var blob = new DirectoryInfo(Path.Combine(layout, "blobs", "sha256")).GetFiles().MaxBy(f => f.Length)!;
        var bytes = File.ReadAllBytes(blob.FullName);
        bytes[bytes.Length / 2] ^= 0x40;
        File.WriteAllBytes(blob.FullName, bytes);

        var failed = project.Build();
        Assert.True(failed.ExitCode != 0, failed.All);
        var line = Assert.Single(BuildLog.Lines(failed, "error", "OCIB3104"));
        Assert.Contains("sha256:" + blob.Name, line, StringComparison.Ordinal);
        Assert.Equal(before, InvalidProjectRebuildTests.Snapshot(project.BundleDirectory));
    }
}
