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
