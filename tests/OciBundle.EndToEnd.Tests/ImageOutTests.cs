using System.Text.Json;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace OciBundle.EndToEnd.Tests;

/// <summary>
/// OciBundleFormat with Image: the image/ layout and image.tar handed to the real consumers —
/// umoci (unpacked into a bundle that runc runs), skopeo (inspect, and convert to Docker's
/// archive format), and Docker (docker load of skopeo's archive and of image.tar itself, then
/// docker run). The show project prints its arguments, folder, ids and environment, so each
/// consumer is seen to start the same process the bundle does.
/// </summary>
[Collection(SdkFeedCollection.Name)]
public sealed class ImageOutTests(SdkFeed feed, ITestOutputHelper output)
{
    private const string ImageItems = """
        <OciPort Include="8080" />
        <OciPort Include="53" Type="udp" />
        <OciLabel Include="com.example.team" Value="infra" />
        <OciImageTag Include="1.0;latest" />
        """;

    private static readonly string[] Expected = ["arg=first", "arg=two words", "cwd=/srv", "uid=1000 gid=1001", "env:GREETING=hello world"];

    [Fact]
    public void The_image_runs_under_umoci_and_runc_and_under_docker()
    {
        var name = Docker.UniqueName("image");
        var project = Projects.CreateShow(feed, "image-out", $"<OciBundleFormat>Runc;Image</OciBundleFormat><OciImageName>{name}</OciImageName>", ImageItems);
        var build = project.BuildSucceeds();
        Assert.Contains("OCIB5010", build.StdOut);

        // The bundle is still there, and SHA256SUMS covers the image too.
        var sums = File.ReadAllLines(project.BundleFile("SHA256SUMS")).Select(l => l.Split("  ")[1]).ToList();
        Assert.Contains("config.json", sums);
        Assert.Contains("image.tar", sums);
        Assert.Contains("image/index.json", sums);
        Assert.Contains("image/oci-layout", sums);
        var check = ProcessResult.Run("sha256sum", ["-c", "SHA256SUMS"], project.BundleDirectory);
        Assert.True(check.ExitCode == 0, check.All);

        // index.json: one manifest per tag, named for skopeo/umoci (ref.name) and Docker/containerd
        // (full name); then the SBOM artifact, unnamed (every peer below must step over it).
        var index = JsonNode.Parse(File.ReadAllText(project.BundleFile("image/index.json")))!;
        var manifests = index["manifests"]!.AsArray();
        var refs = manifests.Take(2).Select(m => (m!["annotations"]!["org.opencontainers.image.ref.name"]!.GetValue<string>(), m["annotations"]!["io.containerd.image.name"]!.GetValue<string>())).ToList();
        Assert.Equal([("1.0", $"docker.io/library/{name}:1.0"), ("latest", $"docker.io/library/{name}:latest")], refs);
        Assert.Equal(3, manifests.Count);
        Assert.Equal("application/spdx+json", manifests[2]!["artifactType"]!.GetValue<string>());

        // The image's layer is the bundle's rootfs.tar.gz, byte for byte.
        var rootfsDigest = File.ReadAllLines(project.BundleFile("SHA256SUMS")).Single(l => l.EndsWith("  rootfs.tar.gz", StringComparison.Ordinal)).Split("  ")[0];
        Assert.True(File.Exists(project.BundleFile($"image/blobs/sha256/{rootfsDigest}")));

        if (ImageTools.Usable(output, "skopeo"))
        {
            var config = JsonNode.Parse(ImageTools.Succeeds(output, "skopeo", "inspect", "--config", $"oci:{project.BundleFile("image")}:1.0"))!;
            output.WriteLine(config.ToJsonString());
            Assert.Equal(["/usr/local/bin/show"], Strings(config["config"]!["Entrypoint"]));
            Assert.Equal(["first", "two words"], Strings(config["config"]!["Cmd"]));
            Assert.Contains("GREETING=hello world", Strings(config["config"]!["Env"]));
            Assert.Equal("/srv", config["config"]!["WorkingDir"]!.GetValue<string>());
            Assert.Equal("1000:1001", config["config"]!["User"]!.GetValue<string>());
            Assert.Equal(["53/udp", "8080/tcp"], config["config"]!["ExposedPorts"]!.AsObject().Select(p => p.Key));
            Assert.Equal("infra", config["config"]!["Labels"]!["com.example.team"]!.GetValue<string>());
            Assert.Equal("1970-01-01T00:00:00Z", config["config"]!["Labels"]!["org.opencontainers.image.created"]!.GetValue<string>());
            Assert.Equal("amd64", config["architecture"]!.GetValue<string>());
            var archived = JsonNode.Parse(ImageTools.Succeeds(output, "skopeo", "inspect", $"oci-archive:{project.BundleFile("image.tar")}:latest"))!;
            Assert.Equal("sha256:" + rootfsDigest, Assert.Single(Strings(archived["Layers"])));
        }

        if (ImageTools.Usable(output, "umoci") && Runc.Usable(output))
        {
            var unpacked = Path.Combine(project.Directory, "umoci-bundle");
            ImageTools.Succeeds(output, "umoci", "unpack", "--image", $"{project.BundleFile("image")}:1.0", unpacked);
            var configPath = Path.Combine(unpacked, "config.json");
            var runtimeConfig = JsonNode.Parse(File.ReadAllText(configPath))!;
            runtimeConfig["process"]!["terminal"] = false; // umoci asks for a terminal; the test has none
            File.WriteAllText(configPath, runtimeConfig.ToJsonString());
            var run = Runc.Run(unpacked);
            Assert.True(run.ExitCode == 0, run.All);
            AssertShows(run.StdOut);
        }

        if (Docker.Usable(output))
        {
            try
            {
                if (ImageTools.Usable(output, "skopeo"))
                {
                    var dockerArchive = Path.Combine(project.Directory, "docker-archive.tar");
                    ImageTools.Succeeds(output, "skopeo", "copy", $"oci-archive:{project.BundleFile("image.tar")}:1.0", $"docker-archive:{dockerArchive}:{name}-converted:1.0");
                    Docker.Succeeds(output, "load", "-i", dockerArchive);
                    AssertShows(Docker.Succeeds(output, "run", "--rm", "--network", "none", $"{name}-converted:1.0"));
                }

                // image.tar itself: Docker 25 and later read its OCI layout, older ones its manifest.json.
                var loaded = Docker.Succeeds(output, "load", "-i", project.BundleFile("image.tar"));
                Assert.Contains($"{name}:latest", loaded);
                AssertShows(Docker.Succeeds(output, "run", "--rm", "--network", "none", $"{name}:latest"));
                var inspected = JsonNode.Parse(Docker.Succeeds(output, "image", "inspect", $"{name}:1.0"))![0]!;
                Assert.Equal(["/usr/local/bin/show"], Strings(inspected["Config"]!["Entrypoint"]));
                Assert.Equal("infra", inspected["Config"]!["Labels"]!["com.example.team"]!.GetValue<string>());
            }
            finally
            {
                Docker.Run(output, "rmi", "--force", $"{name}:1.0", $"{name}:latest", $"{name}-converted:1.0");
            }
        }
    }

    [Fact]
    public void Containerd_imports_the_image_under_its_full_names_and_runs_it()
    {
        if (!Runc.Usable(output) || ContainerdTests.ContainerdAddress(output) is not { } address)
        {
            return;
        }

        var name = Docker.UniqueName("ctr-image");
        var project = Projects.CreateShow(feed, "image-ctr", $"<OciBundleFormat>Image</OciBundleFormat><OciImageName>{name}</OciImageName>", ImageItems);
        project.BuildSucceeds();
        string[] ctr = ["-a", address, "-n", "ocib-e2e"];
        var id = Docker.UniqueName("ctr");
        try
        {
            var import = ProcessResult.Run("ctr", [.. ctr, "images", "import", project.BundleFile("image.tar")], timeout: TimeSpan.FromMinutes(2));
            output.WriteLine(import.All);
            Assert.True(import.ExitCode == 0, import.All);
            var images = ProcessResult.Run("ctr", [.. ctr, "images", "ls", "-q"], timeout: TimeSpan.FromMinutes(1)).StdOut.Split('\n');
            Assert.Contains($"docker.io/library/{name}:1.0", images);
            Assert.Contains($"docker.io/library/{name}:latest", images);

            var run = ProcessResult.Run("ctr", [.. ctr, "run", "--rm", $"docker.io/library/{name}:1.0", id], timeout: TimeSpan.FromMinutes(2));
            Assert.True(run.ExitCode == 0, run.All);
            AssertShows(run.StdOut);
        }
        finally
        {
            ProcessResult.Run("ctr", [.. ctr, "task", "rm", "--force", id], timeout: TimeSpan.FromSeconds(30));
            ProcessResult.Run("ctr", [.. ctr, "container", "rm", id], timeout: TimeSpan.FromSeconds(30));
            ProcessResult.Run("ctr", [.. ctr, "images", "rm", $"docker.io/library/{name}:1.0", $"docker.io/library/{name}:latest"], timeout: TimeSpan.FromSeconds(30));
        }
    }

    [Fact]
    public void Two_folders_give_the_same_image_bytes_and_switching_formats_removes_it()
    {
        var first = Projects.CreateShow(feed, "image-repro-a", "<OciBundleName>repro</OciBundleName><OciBundleFormat>Image</OciBundleFormat>", ImageItems);
        var second = first.CopyTo("image-repro-b");
        first.BuildSucceeds();
        second.BuildSucceeds();

        Assert.False(File.Exists(first.BundleFile("config.json"))); // Image alone: no runc bundle
        Assert.Equal(File.ReadAllBytes(first.BundleFile("image/index.json")), File.ReadAllBytes(second.BundleFile("image/index.json")));
        Assert.Equal(File.ReadAllBytes(first.BundleFile("image.tar")), File.ReadAllBytes(second.BundleFile("image.tar")));
        Assert.Equal(File.ReadAllText(first.BundleFile("SHA256SUMS")), File.ReadAllText(second.BundleFile("SHA256SUMS")));

        var again = first.BuildSucceeds();
        Assert.Contains("up to date", again.StdOut);

        // The SBOM artifact is part of those identical bytes; OciSbom=none writes none.
        Assert.Contains("\"artifactType\":\"application/spdx+json\"", File.ReadAllText(first.BundleFile("image/index.json")));
        first.BuildSucceeds("-p:OciSbom=none");
        Assert.DoesNotContain("artifactType", File.ReadAllText(first.BundleFile("image/index.json")));
        Assert.False(File.Exists(first.BundleFile("sbom.spdx.json")));
        Assert.DoesNotContain(Directory.GetFiles(first.BundleFile("image/blobs/sha256")), b => File.ReadAllText(b).Contains("application/spdx+json", StringComparison.Ordinal));

        first.BuildSucceeds("-p:OciBundleFormat=Runc");
        Assert.False(Directory.Exists(first.BundleFile("image")));
        Assert.False(File.Exists(first.BundleFile("image.tar")));
        Assert.True(File.Exists(first.BundleFile("rootfs.tar.gz")));
    }

    [Fact]
    public void The_dotnet_sdk_container_names_give_the_same_image_config()
    {
        var oci = Projects.CreateShow(feed, "image-oci-names", "<OciBundleFormat>Image</OciBundleFormat><OciImageName>team/app</OciImageName><Authors>team</Authors>", ImageItems);
        var container = feed.CreateProject("image-container-names", $"""
            <Project Sdk="Microsoft.Build.NoTargets/3.7.0">
              <Sdk Name="OciBundle.Sdk" Version="{"{Version}"}" />
              <PropertyGroup>
                <TargetFramework>net8.0</TargetFramework>
                <OciBundleName>image-oci-names</OciBundleName>
                <OciBundleFormat>Image</OciBundleFormat>
                <Authors>team</Authors>
                <ContainerWorkingDirectory>/srv</ContainerWorkingDirectory>
                <ContainerUser>1000:1001</ContainerUser>
                <ContainerRepository>team/app</ContainerRepository>
                <ContainerImageTags>1.0;latest</ContainerImageTags>
                <ContainerRegistry>registry.example.com</ContainerRegistry>
              </PropertyGroup>
              <ItemGroup>
                <OciRootfsFile Include="{Projects.Busybox}" TargetPath="/bin/busybox" Mode="0755" />
                <_Applet Include="sh;id;hostname;env;sort;sed;pwd" />
                <OciRootfsSymlink Include="@(_Applet->'/bin/%(Identity)')" LinkTarget="busybox" />
                <OciRootfsFile Include="show.sh" TargetPath="/usr/local/bin/show" />
                <OciRootfsDirectory Include="/srv" />
                <ContainerAppCommand Include="/usr/local/bin/show" />
                <ContainerDefaultArgs Include="first" />
                <ContainerDefaultArgs Include="two words" />
                <ContainerEnvironmentVariable Include="GREETING" Value="hello world" />
                <ContainerPort Include="8080" Type="tcp" />
                <ContainerPort Include="53" Type="udp" />
                <ContainerLabel Include="com.example.team" Value="infra" />
              </ItemGroup>
            </Project>
            """, ("show.sh", Projects.ShowScript, true));
        oci.BuildSucceeds();
        var build = container.BuildSucceeds();

        // Never silence: the registry is named in a warning with what to do instead.
        Assert.Contains("warning OCIB1115: ContainerRegistry is 'registry.example.com'", build.StdOut);
        Assert.Equal(File.ReadAllBytes(oci.BundleFile("image/index.json")), File.ReadAllBytes(container.BundleFile("image/index.json")));
        Assert.Contains("docker.io/team/app:1.0", File.ReadAllText(container.BundleFile("image/index.json")));
    }

    [Fact]
    public void A_dotnet_app_image_starts_its_apphost_and_takes_docker_run_arguments_as_Cmd()
    {
        var name = Docker.UniqueName("dotnet");
        var project = feed.CreateProject("image-dotnet", $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <Sdk Name="OciBundle.Sdk" Version="{"{Version}"}" />
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <OciBundleFormat>Runc;Image</OciBundleFormat>
                <ContainerRepository>{name}</ContainerRepository>
                <Version>2.3.4</Version>
                <SourceRevisionId>0123abc</SourceRevisionId>
                <RepositoryUrl>https://example.com/team/app.git</RepositoryUrl>
              </PropertyGroup>
              <ItemGroup>
                <ContainerPort Include="8080" />
              </ItemGroup>
            </Project>
            """, ("Program.cs", "Console.WriteLine($\"hello {string.Join(' ', args)}\");\nConsole.WriteLine($\"cwd={Environment.CurrentDirectory}\");\n", false));
        var csproj = Path.ChangeExtension(project.ProjectFile, ".csproj");
        File.Move(project.ProjectFile, csproj);
        var app = new TestProject(feed, project.Directory, csproj, "net10.0");
        app.BuildSucceeds();

        var blobs = app.BundleFile("image/blobs/sha256");
        var index = JsonNode.Parse(File.ReadAllText(app.BundleFile("image/index.json")))!;
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(blobs, index["manifests"]![0]!["digest"]!.GetValue<string>()[7..])))!;
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(blobs, manifest["config"]!["digest"]!.GetValue<string>()[7..])))!;
        output.WriteLine(config.ToJsonString());
        Assert.Equal(["/app/image-dotnet"], Strings(config["config"]!["Entrypoint"]));
        Assert.Null(config["config"]!["Cmd"]);
        Assert.Equal("/app", config["config"]!["WorkingDir"]!.GetValue<string>());
        Assert.Contains("DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=true", Strings(config["config"]!["Env"]));
        Assert.Equal(["8080/tcp"], config["config"]!["ExposedPorts"]!.AsObject().Select(p => p.Key));
        var labels = config["config"]!["Labels"]!;
        Assert.Equal("2.3.4", labels["org.opencontainers.image.version"]!.GetValue<string>());
        Assert.Equal("0123abc", labels["org.opencontainers.image.revision"]!.GetValue<string>());
        Assert.Equal("https://example.com/team/app", labels["org.opencontainers.image.source"]!.GetValue<string>());

        if (Docker.Usable(output))
        {
            try
            {
                Docker.Succeeds(output, "load", "-i", app.BundleFile("image.tar"));
                var lines = Docker.Succeeds(output, "run", "--rm", "--network", "none", $"{name}:latest", "from", "docker").Split('\n', StringSplitOptions.RemoveEmptyEntries);
                Assert.Equal(["hello from docker", "cwd=/app"], lines);
            }
            finally
            {
                Docker.Run(output, "rmi", "--force", $"{name}:latest");
            }
        }
    }

    /// <summary>
    /// A base image whose config User is a bare uid that its /etc/passwd lists: Docker runs the
    /// base image with that line's group, and the bundle (runc) and our image (Docker) must too.
    /// </summary>
    [Fact]
    public void A_numeric_image_user_gets_its_group_from_the_images_passwd_as_under_docker()
    {
        var name = Docker.UniqueName("numeric-user");
        var project = feed.CreateProject("image-numeric-user", $"""
            <Project Sdk="Microsoft.Build.NoTargets/3.7.0">
              <Sdk Name="OciBundle.Sdk" Version="{"{Version}"}" />
              <PropertyGroup>
                <TargetFramework>net8.0</TargetFramework>
                <OciBaseImage>oci-archive:base.tar:latest</OciBaseImage>
                <OciBundleFormat>Runc;Image</OciBundleFormat>
                <OciImageName>{name}</OciImageName>
              </PropertyGroup>
            </Project>
            """);
        var layout = Path.Combine(project.Directory, "layout");
        ImageTools.NewImage(output, layout, "latest");
        ImageTools.AddLayer(output, layout, "latest", rootfs =>
        {
            Directory.CreateDirectory(Path.Combine(rootfs, "bin"));
            File.Copy(Projects.Busybox, Path.Combine(rootfs, "bin", "busybox"));
            File.CreateSymbolicLink(Path.Combine(rootfs, "bin", "id"), "busybox");
            Directory.CreateDirectory(Path.Combine(rootfs, "etc"));
            File.WriteAllText(Path.Combine(rootfs, "etc", "passwd"), "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1001::/home/app:/bin/sh\n");
            File.WriteAllText(Path.Combine(rootfs, "etc", "group"), "root:x:0:\napp:x:1001:\n");
        });
        ImageTools.Configure(output, layout, "latest", "--config.user", "1000", "--config.entrypoint", "/bin/id");
        var baseArchive = Path.Combine(project.Directory, "base.tar");
        ImageTools.ToOciArchive(output, layout, "latest", baseArchive, "latest");

        project.BuildSucceeds();
        using (var config = JsonDocument.Parse(File.ReadAllText(project.BundleFile("config.json"))))
        {
            var user = config.RootElement.GetProperty("process").GetProperty("user");
            Assert.Equal((1000u, 1001u), (user.GetProperty("uid").GetUInt32(), user.GetProperty("gid").GetUInt32()));
        }

        if (Runc.Usable(output))
        {
            var run = Runc.Run(Runc.Unpack(project.BundleDirectory));
            Assert.True(run.ExitCode == 0, run.All);
            Assert.StartsWith("uid=1000(app) gid=1001(app)", run.StdOut.Trim(), StringComparison.Ordinal);
        }

        if (Docker.Usable(output))
        {
            var dockerArchive = Path.Combine(project.Directory, "base-docker.tar");
            try
            {
                // The reference: Docker running the base image itself, then our image.
                ImageTools.Succeeds(output, "skopeo", "--insecure-policy", "copy", $"oci-archive:{baseArchive}:latest", $"docker-archive:{dockerArchive}:{name}-base:latest");
                Docker.Succeeds(output, "load", "-i", dockerArchive);
                var expected = Docker.Succeeds(output, "run", "--rm", "--network", "none", $"{name}-base:latest").Trim();
                Assert.StartsWith("uid=1000(app) gid=1001(app)", expected, StringComparison.Ordinal);
                Docker.Succeeds(output, "load", "-i", project.BundleFile("image.tar"));
                Assert.Equal(expected, Docker.Succeeds(output, "run", "--rm", "--network", "none", $"{name}:latest").Trim());
            }
            finally
            {
                Docker.Run(output, "rmi", "--force", $"{name}-base:latest", $"{name}:latest");
            }
        }
    }

    private static void AssertShows(string stdout)
    {
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        foreach (var line in Expected)
        {
            Assert.Contains(line, lines);
        }
    }

    private static List<string> Strings(JsonNode? array) => array!.AsArray().Select(n => n!.GetValue<string>()).ToList();
}
