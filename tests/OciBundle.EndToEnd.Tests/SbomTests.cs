using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using Xunit.Abstractions;

namespace OciBundle.EndToEnd.Tests;

/// <summary>
/// sbom.spdx.json (OciSbom=spdx, the default) from real builds: valid against the official SPDX 2.3
/// schema (build/validate-sbom.py, python3-jsonschema), listing every file of the rootfs with the
/// digests of its real bytes, the NuGet runtime pack, the Debian packages of the libraries copied
/// from the sysroot and of a base rootfs's database; byte-identical when rebuilt; gone with none.
/// </summary>
[Collection(SdkFeedCollection.Name)]
public sealed class SbomTests(SdkFeed feed, ITestOutputHelper output)
{
    private TestProject CreateDotNet(string name, string projectXml)
    {
        var project = feed.CreateProject(name, projectXml, ("Program.cs", DotNetAppTests.Program, false));
        var csproj = Path.ChangeExtension(project.ProjectFile, ".csproj");
        File.Move(project.ProjectFile, csproj);
        return new TestProject(feed, project.Directory, csproj, "net10.0");
    }

    [Fact]
    public void The_default_console_app_lists_its_files_runtime_pack_and_Debian_libraries_reproducibly_and_none_removes_it()
    {
        var project = CreateDotNet("sbom-console", DotNetAppTests.ConsoleProject("<Version>1.2.3</Version><Company>Example Corp</Company>"));
        var build = project.BuildSucceeds("-v:d");
        var path = project.BundleFile("sbom.spdx.json");
        Validate(path);
        Assert.Matches(@"OCIB5020: sbom\.spdx\.json lists [0-9]+ packages \(1 bundle, [0-9]+ deb, 1 nuget\) and [0-9]+ files\.", build.StdOut);
        var sums = File.ReadAllText(project.BundleFile("SHA256SUMS"));
        Assert.Contains($"{Sha256(File.ReadAllBytes(path))}  sbom.spdx.json\n", sums);

        var sbom = Sbom.Read(path);
        output.WriteLine(string.Join('\n', sbom.Packages.Select(p => $"{p.GetProperty("SPDXID").GetString()} {p.GetProperty("name").GetString()} {p.GetProperty("versionInfo").GetString()}")));
        var bundle = sbom.Package("sbom-console");
        Assert.Equal("1.2.3", bundle.GetProperty("versionInfo").GetString());
        Assert.Equal("Organization: Example Corp", bundle.GetProperty("supplier").GetString());
        Assert.Equal("CONTAINER", bundle.GetProperty("primaryPackagePurpose").GetString());
        Assert.Equal(bundle.GetProperty("SPDXID").GetString(), sbom.Related("SPDXRef-DOCUMENT", "DESCRIBES").Single());
        Assert.Equal("1970-01-01T00:00:00Z", sbom.Root.GetProperty("creationInfo").GetProperty("created").GetString());

        // Every regular file of the real tarball, with the digests of its bytes.
        var tarFiles = RegularFiles(project.BundleFile("rootfs.tar.gz"));
        Assert.Equal(tarFiles.Keys.Order(StringComparer.Ordinal).Select(p => "./" + p), sbom.Files.Select(f => f.GetProperty("fileName").GetString()));
        foreach (var file in sbom.Files)
        {
            var name = file.GetProperty("fileName").GetString()![2..];
            Assert.Equal(tarFiles[name].Sha256, Checksum(file, "SHA256"));
            Assert.Equal(tarFiles[name].Sha1, Checksum(file, "SHA1"));
        }

        // The runtime pack from app.deps.json owns the runtime's files; the app's own files are the bundle's.
        var runtime = sbom.Packages.Single(p => p.GetProperty("name").GetString() == "Microsoft.NETCore.App.Runtime.linux-x64");
        var version = runtime.GetProperty("versionInfo").GetString();
        Assert.Equal($"pkg:nuget/Microsoft.NETCore.App.Runtime.linux-x64@{version}", Purl(runtime));
        Assert.Equal(runtime.GetProperty("SPDXID").GetString(), sbom.OwnerOf("./app/libcoreclr.so"));
        Assert.Equal(runtime.GetProperty("SPDXID").GetString(), sbom.OwnerOf("./app/System.Private.CoreLib.dll"));
        Assert.Equal(bundle.GetProperty("SPDXID").GetString(), sbom.OwnerOf("./app/sbom-console.dll"));

        // libc.so.6 came from the sysroot '/', a Debian system: its package, version and architecture are this machine's.
        var libc = tarFiles.Keys.Single(p => p.EndsWith("/libc.so.6", StringComparison.Ordinal));
        var libcOwner = sbom.Packages.Single(p => p.GetProperty("SPDXID").GetString() == sbom.OwnerOf("./" + libc));
        var dpkg = ProcessResult.Run("dpkg-query", ["-W", "-f=${Version} ${Architecture}", "libc6"]);
        Assert.Equal(0, dpkg.ExitCode);
        var parts = dpkg.StdOut.Trim().Split(' ');
        Assert.Equal("libc6", libcOwner.GetProperty("name").GetString());
        Assert.Equal(parts[0], libcOwner.GetProperty("versionInfo").GetString());
        Assert.Equal($"pkg:deb/debian/libc6@{parts[0].Replace(":", "%3A", StringComparison.Ordinal)}?arch={parts[1]}", Purl(libcOwner));

        // Rewritten for another reason, the same content gives the same bytes.
        var first = File.ReadAllBytes(path);
        project.BuildSucceeds("-p:OciHostname=other");
        Assert.Equal(first, File.ReadAllBytes(path));

        // none: the earlier SBOM is removed and SHA256SUMS no longer names it.
        project.BuildSucceeds("-p:OciSbom=none");
        Assert.False(File.Exists(path));
        Assert.DoesNotContain("sbom.spdx.json", File.ReadAllText(project.BundleFile("SHA256SUMS")));

        var bad = project.Build("-p:OciSbom=cyclonedx");
        Assert.NotEqual(0, bad.ExitCode);
        Assert.Contains("error OCIB1095: OciSbom is 'cyclonedx': expected spdx", bad.StdOut);
    }

    [Fact]
    public void A_busybox_bundle_lists_its_files_as_the_bundles_own()
    {
        var project = Projects.CreateShow(feed, "sbom-busybox");
        project.BuildSucceeds("-p:Company=", "-p:Authors=Jane Doe");
        var path = project.BundleFile("sbom.spdx.json");
        Validate(path);
        var sbom = Sbom.Read(path);
        var bundle = Assert.Single(sbom.Packages);
        Assert.Equal("sbom-busybox", bundle.GetProperty("name").GetString());
        Assert.Equal("Person: Jane Doe", bundle.GetProperty("supplier").GetString());
        var busybox = sbom.Files.Single(f => f.GetProperty("fileName").GetString() == "./bin/busybox");
        Assert.Equal(Sha256(File.ReadAllBytes(Projects.Busybox)), Checksum(busybox, "SHA256"));
        Assert.All(sbom.Files, f => Assert.Equal(bundle.GetProperty("SPDXID").GetString(), sbom.OwnerOf(f.GetProperty("fileName").GetString()!)));
    }

    [Fact]
    public void A_framework_dependent_app_on_a_base_rootfs_lists_the_bases_Debian_packages()
    {
        var project = CreateDotNet("sbom-framework-dependent", DotNetAppTests.ConsoleProject("""
            <InvariantGlobalization>true</InvariantGlobalization>
            <OciBaseRootfs>base</OciBaseRootfs>
            <OciIncludeSharedLibraries>true</OciIncludeSharedLibraries>
            """));
        var baseRoot = Path.Combine(project.Directory, "base");
        DotNetAppTests.MakeBaseWithDotnet(baseRoot);

        // The base's dpkg database: this machine's real base-files entry, its file list and one of its files.
        var status = File.ReadAllText("/var/lib/dpkg/status").Split("\n\n").Single(p => p.StartsWith("Package: base-files\n", StringComparison.Ordinal));
        Directory.CreateDirectory(Path.Combine(baseRoot, "var", "lib", "dpkg", "info"));
        File.WriteAllText(Path.Combine(baseRoot, "var", "lib", "dpkg", "status"), status.TrimEnd() + "\n");
        File.Copy("/var/lib/dpkg/info/base-files.list", Path.Combine(baseRoot, "var", "lib", "dpkg", "info", "base-files.list"));
        Directory.CreateDirectory(Path.Combine(baseRoot, "etc"));
        File.Copy("/etc/debian_version", Path.Combine(baseRoot, "etc", "debian_version"));
        var version = status.Split('\n').Single(l => l.StartsWith("Version: ", StringComparison.Ordinal))["Version: ".Length..];

        project.BuildSucceeds();
        var path = project.BundleFile("sbom.spdx.json");
        Validate(path);
        var sbom = Sbom.Read(path);
        var baseFiles = sbom.Packages.Single(p => p.GetProperty("name").GetString() == "base-files");
        Assert.Equal(version, baseFiles.GetProperty("versionInfo").GetString());
        Assert.StartsWith($"pkg:deb/debian/base-files@{version.Replace(":", "%3A", StringComparison.Ordinal)}?arch=", Purl(baseFiles));
        Assert.Equal(baseFiles.GetProperty("SPDXID").GetString(), sbom.OwnerOf("./etc/debian_version"));

        // Framework-dependent: no runtime pack; the base's runtime files are listed as the bundle's.
        Assert.DoesNotContain(sbom.Packages, p => p.GetProperty("name").GetString()!.StartsWith("Microsoft.NETCore.App.Runtime", StringComparison.Ordinal));
        Assert.Contains(sbom.Files, f => f.GetProperty("fileName").GetString() == "./usr/share/dotnet/dotnet");
        Assert.Contains(sbom.Packages, p => p.GetProperty("name").GetString() == "libc6");
    }

    /// <summary>
    /// An image written over a base image (made by umoci, with this machine's real busybox-static
    /// dpkg entry and file list): the SBOM validates; the bundle's purl names the image manifest's
    /// digest; the base image is a package with its manifest digest that contains its Debian
    /// package and the files it brought; and the same bytes are attached to the image as an OCI
    /// artifact that refers to the image manifest, found from index.json, which skopeo copies
    /// (checking every blob's digest) and umoci and skopeo step over when they open the image.
    /// </summary>
    [Fact]
    public void An_image_over_a_base_image_lists_the_base_and_carries_its_SBOM_as_an_artifact_that_refers_to_it()
    {
        var name = Docker.UniqueName("sbom-image");
        var project = feed.CreateProject("sbom-image-on-base", $"""
            <Project Sdk="Microsoft.Build.NoTargets/3.7.0">
              <Sdk Name="OciBundle.Sdk" Version="{"{Version}"}" />
              <PropertyGroup>
                <TargetFramework>net8.0</TargetFramework>
                <OciBaseImage>oci-archive:base.tar:3.1</OciBaseImage>
                <OciBundleFormat>Runc;Image</OciBundleFormat>
                <OciImageName>{name}</OciImageName>
              </PropertyGroup>
              <ItemGroup>
                <OciImageTag Include="1.0" />
                <OciRootfsFile Include="added.txt" TargetPath="/added.txt" />
                <OciEntrypoint Include="/bin/sh" />
              </ItemGroup>
            </Project>
            """, ("added.txt", "added by the project\n", false));
        var layout = Path.Combine(project.Directory, "layout");
        var status = File.ReadAllText("/var/lib/dpkg/status").Split("\n\n").Single(p => p.StartsWith("Package: busybox-static\n", StringComparison.Ordinal));
        ImageTools.NewImage(output, layout, "3.1");
        ImageTools.AddLayer(output, layout, "3.1", rootfs =>
        {
            Directory.CreateDirectory(Path.Combine(rootfs, "bin"));
            File.Copy(Projects.Busybox, Path.Combine(rootfs, "bin", "busybox"));
            File.CreateSymbolicLink(Path.Combine(rootfs, "bin", "sh"), "busybox");
            Directory.CreateDirectory(Path.Combine(rootfs, "etc"));
            File.WriteAllText(Path.Combine(rootfs, "etc", "motd"), "from the base\n");
            Directory.CreateDirectory(Path.Combine(rootfs, "var", "lib", "dpkg", "info"));
            File.WriteAllText(Path.Combine(rootfs, "var", "lib", "dpkg", "status"), status.TrimEnd() + "\n");
            File.Copy("/var/lib/dpkg/info/busybox-static.list", Path.Combine(rootfs, "var", "lib", "dpkg", "info", "busybox-static.list"));
        });
        ImageTools.ToOciArchive(output, layout, "3.1", Path.Combine(project.Directory, "base.tar"), "3.1");
        var baseDigest = JsonDocument.Parse(ImageTools.Succeeds(output, "skopeo", "inspect", $"oci-archive:{Path.Combine(project.Directory, "base.tar")}:3.1")).RootElement.GetProperty("Digest").GetString()!;
        var version = status.Split('\n').Single(l => l.StartsWith("Version: ", StringComparison.Ordinal))["Version: ".Length..];

        project.BuildSucceeds();
        var path = project.BundleFile("sbom.spdx.json");
        Validate(path);
        var sbom = Sbom.Read(path);
        output.WriteLine(string.Join('\n', sbom.Packages.Select(p => $"{p.GetProperty("SPDXID").GetString()} {p.GetProperty("name").GetString()} {Purl(p)}")));

        // index.json: the image under its tag, then the SBOM artifact, unnamed, with its artifactType.
        var blobs = project.BundleFile("image/blobs/sha256");
        byte[] Blob(string digest) => File.ReadAllBytes(Path.Combine(blobs, digest["sha256:".Length..]));
        using var index = JsonDocument.Parse(File.ReadAllBytes(project.BundleFile("image/index.json")));
        var entries = index.RootElement.GetProperty("manifests").EnumerateArray().ToList();
        Assert.Equal(2, entries.Count);
        var imageDigest = entries[0].GetProperty("digest").GetString()!;
        Assert.Equal("1.0", entries[0].GetProperty("annotations").GetProperty("org.opencontainers.image.ref.name").GetString());
        Assert.Equal("application/spdx+json", entries[1].GetProperty("artifactType").GetString());
        Assert.False(entries[1].TryGetProperty("annotations", out _));

        // The bundle's purl names the image manifest; the base image is a package with its digest.
        var bundlePackage = sbom.Package("sbom-image-on-base");
        Assert.Equal($"pkg:oci/{name}@sha256%3A{imageDigest[7..]}?arch=amd64&tag=1.0", Purl(bundlePackage));
        var baseImage = sbom.Package("oci-archive:base.tar:3.1");
        Assert.Equal(baseDigest, baseImage.GetProperty("versionInfo").GetString());
        Assert.Equal(baseDigest[7..], Checksum(baseImage, "SHA256"));
        Assert.Equal($"pkg:oci/base@sha256%3A{baseDigest[7..]}?arch=amd64&tag=3.1", Purl(baseImage));
        var baseId = baseImage.GetProperty("SPDXID").GetString();
        Assert.Contains(baseId, sbom.Related(bundlePackage.GetProperty("SPDXID").GetString()!, "CONTAINS"));
        var busybox = sbom.Package("busybox-static");
        Assert.Equal(version, busybox.GetProperty("versionInfo").GetString());
        Assert.Contains(busybox.GetProperty("SPDXID").GetString(), sbom.Related(baseId!, "CONTAINS"));
        Assert.Equal(busybox.GetProperty("SPDXID").GetString(), sbom.OwnerOf("./bin/busybox"));
        Assert.Equal(baseId, sbom.OwnerOf("./etc/motd"));
        Assert.Equal(bundlePackage.GetProperty("SPDXID").GetString(), sbom.OwnerOf("./added.txt"));

        // The artifact: empty config, the SBOM's very bytes as its one layer, the image manifest as its subject.
        var artifactDigest = entries[1].GetProperty("digest").GetString()!;
        using var artifact = JsonDocument.Parse(Blob(artifactDigest));
        var a = artifact.RootElement;
        Assert.Equal("application/spdx+json", a.GetProperty("artifactType").GetString());
        Assert.Equal("application/vnd.oci.empty.v1+json", a.GetProperty("config").GetProperty("mediaType").GetString());
        Assert.Equal("{}"u8.ToArray(), Blob(a.GetProperty("config").GetProperty("digest").GetString()!));
        Assert.Equal(imageDigest, a.GetProperty("subject").GetProperty("digest").GetString());
        Assert.Equal(Blob(imageDigest).Length, a.GetProperty("subject").GetProperty("size").GetInt64());
        var layer = Assert.Single(a.GetProperty("layers").EnumerateArray().ToList());
        Assert.Equal("application/spdx+json", layer.GetProperty("mediaType").GetString());
        Assert.Equal(File.ReadAllBytes(path), Blob(layer.GetProperty("digest").GetString()!));

        // The SBOM is no file of the image's layers.
        using var manifest = JsonDocument.Parse(Blob(imageDigest));
        foreach (var l in manifest.RootElement.GetProperty("layers").EnumerateArray())
        {
            var files = RegularFiles(Path.Combine(blobs, l.GetProperty("digest").GetString()![7..]));
            Assert.DoesNotContain(files.Keys, f => f.EndsWith("sbom.spdx.json", StringComparison.Ordinal));
        }

        // Real peers: umoci lists the tag alone and unpacks it; skopeo opens the tag as the image
        // and copies the artifact (skopeo 1.9 finds a manifest only by its ref.name, so the copy's
        // index.json names it), checking every blob against its digest on the way.
        Assert.Equal(["1.0"], ImageTools.Succeeds(output, "umoci", "ls", "--layout", project.BundleFile("image")).Split('\n', StringSplitOptions.RemoveEmptyEntries));
        ImageTools.Succeeds(output, "umoci", "unpack", "--rootless", "--image", project.BundleFile("image") + ":1.0", Path.Combine(project.Directory, "unpacked"));
        Assert.True(File.Exists(Path.Combine(project.Directory, "unpacked", "rootfs", "added.txt")));
        Assert.False(File.Exists(Path.Combine(project.Directory, "unpacked", "rootfs", "sbom.spdx.json")));
        Assert.Equal(Blob(imageDigest), System.Text.Encoding.UTF8.GetBytes(ImageTools.Succeeds(output, "skopeo", "inspect", "--raw", $"oci-archive:{project.BundleFile("image.tar")}:1.0").TrimEnd('\n')));
        var named = Path.Combine(project.Directory, "named");
        CopyFolder(project.BundleFile("image"), named);
        var namedIndex = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(named, "index.json")))!;
        namedIndex["manifests"]![1]!["annotations"] = new System.Text.Json.Nodes.JsonObject { ["org.opencontainers.image.ref.name"] = "sbom" };
        File.WriteAllText(Path.Combine(named, "index.json"), namedIndex.ToJsonString());
        Assert.Equal(Blob(artifactDigest), System.Text.Encoding.UTF8.GetBytes(ImageTools.Succeeds(output, "skopeo", "inspect", "--raw", $"oci:{named}:sbom").TrimEnd('\n')));
        var copied = Path.Combine(project.Directory, "copied");
        ImageTools.Succeeds(output, "skopeo", "--insecure-policy", "copy", $"oci:{named}:sbom", $"oci:{copied}:sbom");
        Assert.Equal(File.ReadAllBytes(path), File.ReadAllBytes(Path.Combine(copied, "blobs", "sha256", layer.GetProperty("digest").GetString()![7..])));
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    /// <summary>
    /// Cross-check with an independent scanner, @cyclonedx/cdxgen (npm; .ci/run installs 12.8.4), run
    /// offline on the unpacked rootfs of the default console app: nothing it finds may be missing
    /// from our SBOM. What it finds there: `-t rootfs` without its optional binary plugins (trivy)
    /// reports the ELF shared libraries as pkg:generic file components, by file name, including the
    /// names that are symbolic links (libstdc++.so.6 → libstdc++.so.6.0.30); it reads no deps.json
    /// (its .NET support reads project files and lock files, which a rootfs has none of) and, with
    /// no dpkg database in the rootfs, names no OS package. So each of its libraries must be a file
    /// of our SBOM, directly or through the link, owned by a Debian package, not by the bundle;
    /// and it must find at least libc.
    /// </summary>
    [Fact]
    public void An_independent_scanner_finds_nothing_our_SBOM_lacks()
    {
        var cdxgen = Environment.GetEnvironmentVariable("OCIB_CDXGEN") is { Length: > 0 } set ? set : FindOnPath("cdxgen");
        if (cdxgen is null)
        {
            Assert.False(Runc.IsCI, "CI=true but cdxgen is not installed: .ci/run installs @cyclonedx/cdxgen with npm");
            output.WriteLine("SKIPPED: cdxgen is not on PATH (npm install -g @cyclonedx/cdxgen@12.8.4, or set OCIB_CDXGEN)");
            return;
        }

        var project = CreateDotNet("sbom-cdxgen", DotNetAppTests.ConsoleProject());
        project.BuildSucceeds();
        var sbom = Sbom.Read(project.BundleFile("sbom.spdx.json"));
        var rootfs = Path.Combine(project.Directory, "unpacked");
        Directory.CreateDirectory(rootfs);
        var untar = ProcessResult.Run("tar", ["-xzf", project.BundleFile("rootfs.tar.gz"), "-C", rootfs]);
        Assert.True(untar.ExitCode == 0, untar.All);
        var report = Path.Combine(project.Directory, "cdxgen.json");
        var environment = new Dictionary<string, string> { ["FETCH_LICENSE"] = "false", ["CDXGEN_NO_BANNER"] = "true" };
        var scan = ProcessResult.Run(cdxgen, ["-t", "rootfs", "-o", report, rootfs], project.Directory, environment, TimeSpan.FromMinutes(5));
        Assert.True(scan.ExitCode == 0 && File.Exists(report), scan.All);

        using var found = JsonDocument.Parse(File.ReadAllBytes(report));
        var components = found.RootElement.TryGetProperty("components", out var list) ? list.EnumerateArray().ToList() : [];
        output.WriteLine(string.Join('\n', components.Select(c => $"{c.GetProperty("type").GetString()} {(c.TryGetProperty("purl", out var p) ? p.GetString() : c.GetProperty("name").GetString())}")));
        Assert.Contains(components, c => c.GetProperty("name").GetString() == "libc.so.6");
        var bundleId = sbom.Package("sbom-cdxgen").GetProperty("SPDXID").GetString();
        foreach (var component in components)
        {
            var purl = component.TryGetProperty("purl", out var p) ? p.GetString() ?? "" : "";
            if (!purl.StartsWith("pkg:generic/", StringComparison.Ordinal))
            {
                // A package-manager purl (nuget, deb, …) must be one of our packages.
                Assert.Contains(sbom.Packages, ours => ours.TryGetProperty("externalRefs", out var refs)
                    && refs.EnumerateArray().Any(r => string.Equals(r.GetProperty("referenceLocator").GetString(), purl, StringComparison.OrdinalIgnoreCase)));
                continue;
            }

            var name = component.GetProperty("name").GetString()!;
            // find does not enter linked folders (lib → usr/lib), so each hit is a real path; a hit
            // that is itself a link is followed inside the rootfs, never on the host.
            var find = ProcessResult.Run("find", [rootfs, "-name", name]);
            var candidates = find.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.True(candidates.Length > 0, $"cdxgen names '{name}', which is not in the rootfs");
            foreach (var candidate in candidates)
            {
                var fileName = "./" + ResolveInside(rootfs, Path.GetRelativePath(rootfs, candidate));
                Assert.Contains(sbom.Files, f => f.GetProperty("fileName").GetString() == fileName);
                Assert.NotEqual(bundleId, sbom.OwnerOf(fileName)); // a Debian package of the sysroot, not "the bundle's own"
            }
        }
    }

    /// <summary>A rootfs path with every link on the way followed as the container would, inside <paramref name="rootfs"/>.</summary>
    private static string ResolveInside(string rootfs, string path)
    {
        var pending = new Queue<string>(path.Split('/', StringSplitOptions.RemoveEmptyEntries));
        var resolved = new List<string>();
        for (var hops = 0; pending.Count > 0 && hops < 100; hops++)
        {
            var part = pending.Dequeue();
            if (part == "..")
            {
                if (resolved.Count > 0)
                {
                    resolved.RemoveAt(resolved.Count - 1);
                }

                continue;
            }

            if (part == ".")
            {
                continue;
            }

            var host = Path.Combine([rootfs, .. resolved, part]);
            if (new FileInfo(host).LinkTarget is not { } target)
            {
                resolved.Add(part);
                continue;
            }

            if (target.StartsWith('/'))
            {
                resolved.Clear();
            }

            pending = new Queue<string>(target.Split('/', StringSplitOptions.RemoveEmptyEntries).Concat(pending));
        }

        return string.Join('/', resolved);
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);

    /// <summary>build/validate-sbom.py: the official schema and the cross-references. A missing python3 or jsonschema fails.</summary>
    internal static void Validate(string sbom)
    {
        var schema = Path.Combine(Repository.Root, "..", "shared", "reference", "spdx-2.3-schema.json");
        if (Environment.GetEnvironmentVariable("OCIB_SPDX_SCHEMA") is { Length: > 0 } configured)
        {
            schema = configured;
        }

        Assert.True(File.Exists(schema), $"the SPDX 2.3 schema is not at {schema}: set OCIB_SPDX_SCHEMA");
        var run = ProcessResult.Run("python3", [Path.Combine(Repository.Root, "build", "validate-sbom.py"), schema, sbom]);
        Assert.True(run.ExitCode == 0, "the SBOM is not valid SPDX 2.3 (or python3-jsonschema is missing):\n" + run.All);
    }

    private static string Sha256(byte[] bytes) => Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant();

    private static string? Checksum(JsonElement file, string algorithm) =>
        file.GetProperty("checksums").EnumerateArray().Single(c => c.GetProperty("algorithm").GetString() == algorithm).GetProperty("checksumValue").GetString();

    private static string? Purl(JsonElement package) =>
        package.GetProperty("externalRefs").EnumerateArray().Single(r => r.GetProperty("referenceType").GetString() == "purl").GetProperty("referenceLocator").GetString();

    internal static Dictionary<string, (string Sha256, string Sha1)> RegularFiles(string tarball)
    {
        using var gzip = new GZipStream(File.OpenRead(tarball), CompressionMode.Decompress);
        using var reader = new TarReader(gzip);
        var files = new Dictionary<string, (string, string)>(StringComparer.Ordinal);
        var byName = new Dictionary<string, (string, string)>(StringComparer.Ordinal);
        while (reader.GetNextEntry() is { } entry)
        {
            if (entry.EntryType is TarEntryType.RegularFile or TarEntryType.V7RegularFile)
            {
                using var data = new MemoryStream();
                entry.DataStream?.CopyTo(data);
                var bytes = data.ToArray();
                files[entry.Name] = byName[entry.Name] = (Sha256(bytes), Convert.ToHexString(SHA1.HashData(bytes)).ToLowerInvariant());
            }
            else if (entry.EntryType == TarEntryType.HardLink)
            {
                files[entry.Name] = byName[entry.LinkName];
            }
        }

        return files;
    }

    /// <summary>A parsed sbom.spdx.json with the look-ups the tests need.</summary>
    internal sealed class Sbom
    {
        public required JsonElement Root { get; init; }

        public IEnumerable<JsonElement> Packages => Root.GetProperty("packages").EnumerateArray();

        public IEnumerable<JsonElement> Files => Root.GetProperty("files").EnumerateArray();

        public static Sbom Read(string path) => new() { Root = JsonDocument.Parse(File.ReadAllBytes(path)).RootElement };

        public JsonElement Package(string name) => Packages.Single(p => p.GetProperty("name").GetString() == name);

        public IEnumerable<string?> Related(string from, string type) => Root.GetProperty("relationships").EnumerateArray()
            .Where(r => r.GetProperty("spdxElementId").GetString() == from && r.GetProperty("relationshipType").GetString() == type)
            .Select(r => r.GetProperty("relatedSpdxElement").GetString());

        /// <summary>The SPDXID of the package that CONTAINS the file named <paramref name="fileName"/> ("./app/x").</summary>
        public string? OwnerOf(string fileName)
        {
            var id = Files.Single(f => f.GetProperty("fileName").GetString() == fileName).GetProperty("SPDXID").GetString();
            return Root.GetProperty("relationships").EnumerateArray()
                .Where(r => r.GetProperty("relationshipType").GetString() == "CONTAINS" && r.GetProperty("relatedSpdxElement").GetString() == id)
                .Select(r => r.GetProperty("spdxElementId").GetString())
                .Single();
        }
    }
}
