using System.Text;
using System.Text.Json;
using OciBundle.Rootfs;
using OciBundle.Sbom;
using OciBundle.Tests.Support;

namespace OciBundle.Tests.Sbom;

/// <summary>The SPDX document's parts: deps.json and dpkg/apk parsing, ids, purls, licenses, sorting, the namespace.</summary>
public sealed class SbomDocumentTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private const string Deps = """
        {
          "runtimeTarget": { "name": ".NETCoreApp,Version=v10.0/linux-x64" },
          "targets": {
            ".NETCoreApp,Version=v10.0/linux-x64": {
              "app/1.0.0": { "dependencies": { "Newtonsoft.Json": "13.0.3" }, "runtime": { "app.dll": {} } },
              "Newtonsoft.Json/13.0.3": {
                "runtime": { "lib/net6.0/Newtonsoft.Json.dll": { "assemblyVersion": "13.0.0.0" } },
                "resources": { "lib/net6.0/de/Newtonsoft.Json.resources.dll": { "locale": "de" } }
              },
              "SQLitePCLRaw.lib/2.1.0": { "native": { "runtimes/linux-x64/native/libe_sqlite3.so": {} } },
              "runtimepack.Microsoft.NETCore.App.Runtime.linux-x64/10.0.0": {
                "runtime": { "System.Private.CoreLib.dll": {} },
                "native": { "libcoreclr.so": {} }
              }
            }
          },
          "libraries": {
            "app/1.0.0": { "type": "project", "serviceable": false, "sha512": "" },
            "Newtonsoft.Json/13.0.3": { "type": "package", "serviceable": true, "sha512": "sha512-HrC5BXdl00IP9zeV+0Z848QWPAoCr9P3bDEZguI+gkLcBKAOxix/tLEAAHC+UvDNPv4a2d18lOReHMOagPa+zQ==", "path": "newtonsoft.json/13.0.3" },
            "SQLitePCLRaw.lib/2.1.0": { "type": "package", "sha512": "" },
            "runtimepack.Microsoft.NETCore.App.Runtime.linux-x64/10.0.0": { "type": "runtimepack", "serviceable": false, "sha512": "" },
            "Microsoft.NETCore.App.Ref/10.0.0": { "type": "reference" }
          }
        }
        """;

    [Fact]
    public void Deps_json_gives_package_and_runtimepack_libraries_with_their_assets_and_hex_sha512()
    {
        var packages = DepsJson.Parse(Encoding.UTF8.GetBytes(Deps));
        Assert.Equal(["Microsoft.NETCore.App.Runtime.linux-x64", "Newtonsoft.Json", "SQLitePCLRaw.lib"], packages.Select(p => p.Name));
        var json = packages[1];
        Assert.Equal("13.0.3", json.Version);
        Assert.Equal(128, json.Sha512Hex!.Length);
        Assert.StartsWith("1eb0b905", json.Sha512Hex, StringComparison.Ordinal);
        Assert.Equal(["Newtonsoft.Json.dll", "de/Newtonsoft.Json.resources.dll"], json.Assets.Order(StringComparer.Ordinal));
        Assert.Equal(["System.Private.CoreLib.dll", "libcoreclr.so"], packages[0].Assets.Order(StringComparer.Ordinal));
        Assert.Equal("runtimepack", packages[0].Type);
        Assert.Null(packages[0].Sha512Hex); // "" in deps.json
        Assert.Equal(["libe_sqlite3.so"], packages[2].Assets);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1, 2]")]
    public void A_file_that_is_not_a_deps_json_is_a_FormatException(string text)
    {
        Assert.Throws<FormatException>(() => DepsJson.Parse(Encoding.UTF8.GetBytes(text)));
    }

    [Fact]
    public void Invalid_UTF8_in_a_deps_json_is_a_FormatException_not_a_crash()
    {
        // Found by fuzzing: JsonDocument parses it and throws InvalidOperationException only when the name is read.
        Assert.Throws<FormatException>(() => DepsJson.Parse([.. "{\"libraries\":{\""u8, 0xFF, .. "/1\":{\"type\":\"package\"}}}"u8]));
    }

    [Theory]
    [InlineData("sha512-AAAA", null)] // too short
    [InlineData("sha512-!!!!", null)]
    [InlineData("", null)]
    public void Only_a_full_base64_sha512_converts(string value, string? expected)
    {
        Assert.Equal(expected, DepsJson.Sha512Hex(value));
    }

    private const string Status = """
        Package: libc6
        Status: install ok installed
        Priority: optional
        Architecture: amd64
        Multi-Arch: same
        Maintainer: GNU Libc Maintainers <debian-glibc@lists.debian.org>
        Version: 2.36-9+deb12u7
        Description: GNU C Library: Shared libraries
         Contains the standard libraries.

        Package: old-thing
        Status: deinstall ok config-files
        Architecture: amd64
        Version: 1.0

        Package: base-files
        Status: install ok installed
        Architecture: amd64
        Version: 1:12.4+deb12u5
        """;

    [Fact]
    public void Dpkg_status_gives_installed_packages_only_sorted()
    {
        var packages = DebianPackages.ParseStatus(Status);
        Assert.Equal(["base-files", "libc6"], packages.Select(p => p.Name));
        Assert.Equal("2.36-9+deb12u7", packages[1].Version);
        Assert.Equal("amd64", packages[1].Architecture);
        Assert.Equal("Person: GNU Libc Maintainers (debian-glibc@lists.debian.org)", SbomBuilder.MaintainerSupplier(packages[1].Maintainer));
    }

    [Theory]
    [InlineData("libc6:amd64.list", "libc6", "amd64")]
    [InlineData("bash.list", "bash", null)]
    public void List_files_name_their_package(string file, string name, string? architecture)
    {
        Assert.Equal((name, architecture), DebianPackages.ListOwner(file));
    }

    [Theory]
    [InlineData("/lib/x86_64-linux-gnu/libc.so.6", "usr/lib/x86_64-linux-gnu/libc.so.6")]
    [InlineData("/usr/lib/x86_64-linux-gnu/libc.so.6", "usr/lib/x86_64-linux-gnu/libc.so.6")]
    [InlineData("/lib64/ld-linux-x86-64.so.2", "usr/lib64/ld-linux-x86-64.so.2")]
    [InlineData("/etc/debian_version", "etc/debian_version")]
    [InlineData("./bin/sh", "usr/bin/sh")]
    public void Merged_usr_aliases_meet(string path, string canonical)
    {
        Assert.Equal(canonical, DebianPackages.Canonical(path));
    }

    [Theory]
    [InlineData("Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\nFiles: *\nCopyright: x\nLicense: mit\n", "MIT")]
    [InlineData("Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\nFiles: *\nLicense: Apache-2.0 OR MIT\n", "Apache-2.0 OR MIT")]
    [InlineData("Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\nFiles: *\nLicense: GPL-2+\n", null)] // Debian's name, not SPDX's
    [InlineData("Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\nFiles: src/*\nLicense: MIT\n", null)]
    [InlineData("This is the Debian prepackaged version of foo.\nLicense: MIT\n", null)] // not machine-readable
    public void A_license_is_declared_only_from_a_machine_readable_copyright_naming_SPDX_ids(string copyright, string? expected)
    {
        Assert.Equal(expected, DebianPackages.CopyrightLicense(copyright));
    }

    [Fact]
    public void Apk_installed_gives_packages_and_their_files()
    {
        var packages = AlpinePackages.Parse("C:Q1abc=\nP:musl\nV:1.2.4-r2\nA:x86_64\nL:MIT\nF:lib\nR:ld-musl-x86_64.so.1\nR:libc.musl-x86_64.so.1\n\nP:busybox\nV:1.36.1-r5\nA:x86_64\nL:GPL-2.0-only\nF:bin\nR:busybox\n");
        Assert.Equal(["busybox", "musl"], packages.Select(p => p.Name));
        Assert.Equal(["usr/lib/ld-musl-x86_64.so.1", "usr/lib/libc.musl-x86_64.so.1"], packages[1].Files);
        Assert.Equal("pkg:apk/alpine/musl@1.2.4-r2?arch=x86_64", Purl.Alpine(packages[1].Name, packages[1].Version, packages[1].Architecture));
    }

    [Fact]
    public void Purls_encode_what_the_spec_reserves()
    {
        Assert.Equal("pkg:nuget/Newtonsoft.Json@13.0.3", Purl.NuGet("Newtonsoft.Json", "13.0.3"));
        Assert.Equal("pkg:deb/debian/base-files@1%3A12.4+deb12u5?arch=amd64", Purl.Debian("base-files", "1:12.4+deb12u5", "amd64"));
    }

    [Fact]
    public void Oci_purls_name_the_manifest_digest_with_sorted_qualifiers()
    {
        var digest = "sha256:" + new string('a', 64);
        Assert.Equal($"pkg:oci/app@sha256%3A{new string('a', 64)}?arch=amd64&repository_url=ghcr.io/team/app&tag=1.0", Purl.Oci("ghcr.io/team/App", digest, "amd64", "ghcr.io/team/app", "1.0"));
        Assert.Equal($"pkg:oci/busybox@sha256%3A{new string('a', 64)}", Purl.Oci("busybox", digest, null, null, null));
        Assert.Equal($"pkg:oci/app@sha256%3A{new string('a', 64)}?repository_url=localhost%3A5000/app", Purl.Oci("localhost:5000/app", digest, "", "localhost:5000/app", null));
    }

    [Fact]
    public void The_base_image_is_a_package_with_its_digest_and_contains_its_packages_and_unchanged_files()
    {
        List<RootfsEntry> entries =
        [
            File("app/app.dll", "app"),
            File("bin/busybox", "busybox"),
            File("bin/true", "true"),
            File("etc/debian_version", "12.4\n"),
            File("etc/motd", "replaced by the project"),
            File("var/lib/dpkg/info/base-files.list", "/.\n/etc\n/etc/debian_version\n/usr/bin/true\n"),
            File("var/lib/dpkg/status", Status),
        ];
        var baseEntries = entries.Where(e => !e.Path.StartsWith("app/", StringComparison.Ordinal) && e.Path != "etc/motd").ToDictionary(e => e.Path);
        baseEntries["etc/motd"] = File("etc/motd.base", "the base's") with { Path = "etc/motd" };
        var manifest = "sha256:" + new string('b', 64);
        var image = "sha256:" + new string('c', 64);
        var input = Input(entries) with
        {
            Image = new SbomImage("ghcr.io/team/app", image, "amd64", "ghcr.io/team/app", "1.0"),
            BaseImage = new SbomBaseImage("oci-archive:base/debian.tar:12", "debian", "12", manifest, "amd64", baseEntries),
        };
        using var parsed = JsonDocument.Parse(SbomBuilder.Build(input, (_, _) => { }).ToJson());
        var root = parsed.RootElement;
        var packages = root.GetProperty("packages").EnumerateArray().ToList();
        static string Purl0(JsonElement p) => p.GetProperty("externalRefs")[0].GetProperty("referenceLocator").GetString()!;
        Assert.Equal($"pkg:oci/app@sha256%3A{new string('c', 64)}?arch=amd64&repository_url=ghcr.io/team/app&tag=1.0", Purl0(packages[0]));
        var baseImage = packages[1];
        Assert.Equal("oci-archive:base/debian.tar:12", baseImage.GetProperty("name").GetString());
        Assert.Equal(manifest, baseImage.GetProperty("versionInfo").GetString());
        Assert.Equal($"pkg:oci/debian@sha256%3A{new string('b', 64)}?arch=amd64&tag=12", Purl0(baseImage));
        Assert.Equal("CONTAINER", baseImage.GetProperty("primaryPackagePurpose").GetString());
        var checksum = Assert.Single(baseImage.GetProperty("checksums").EnumerateArray());
        Assert.Equal(("SHA256", new string('b', 64)), (checksum.GetProperty("algorithm").GetString(), checksum.GetProperty("checksumValue").GetString()));

        var baseId = baseImage.GetProperty("SPDXID").GetString()!;
        var relationships = root.GetProperty("relationships").EnumerateArray().Select(r => (r.GetProperty("spdxElementId").GetString()!, r.GetProperty("relationshipType").GetString()!, r.GetProperty("relatedSpdxElement").GetString()!)).ToList();
        string Id(string name) => packages.Single(p => p.GetProperty("name").GetString() == name).GetProperty("SPDXID").GetString()!;
        string Owner(string path)
        {
            var id = root.GetProperty("files").EnumerateArray().Single(f => f.GetProperty("fileName").GetString() == "./" + path).GetProperty("SPDXID").GetString();
            return relationships.Single(r => r.Item3 == id).Item1;
        }

        Assert.Contains(("SPDXRef-Package-bundle-app", "CONTAINS", baseId), relationships);
        Assert.Contains((baseId, "CONTAINS", Id("libc6")), relationships);
        Assert.Contains((baseId, "CONTAINS", Id("base-files")), relationships);
        Assert.DoesNotContain(("SPDXRef-Package-bundle-app", "CONTAINS", Id("libc6")), relationships);
        Assert.Equal(Id("base-files"), Owner("etc/debian_version"));
        Assert.Equal(baseId, Owner("bin/busybox"));
        Assert.Equal(Id("base-files"), Owner("bin/true")); // the list's /usr/bin/true in a rootfs without merged /usr
        Assert.Equal("SPDXRef-Package-bundle-app", Owner("etc/motd")); // the project replaced it
        Assert.Equal("SPDXRef-Package-bundle-app", Owner("app/app.dll"));
    }

    [Fact]
    public void Ids_are_valid_deterministic_and_unique()
    {
        var ids = new SpdxIds();
        var a = ids.New("File", "usr/lib/libstdc++.so.6");
        var b = ids.New("File", "usr/lib/libstdc__.so.6"); // sanitizes to the same
        Assert.Equal("SPDXRef-File-usr-lib-libstdc-.so.6", a);
        Assert.NotEqual(a, b);
        Assert.Matches("^SPDXRef-[A-Za-z0-9.-]+$", b);
        var again = new SpdxIds();
        Assert.Equal([a, b], [again.New("File", "usr/lib/libstdc++.so.6"), again.New("File", "usr/lib/libstdc__.so.6")]);
        Assert.Equal("SPDXRef-File-x", ids.New("File", "%%%"));
    }

    [Theory]
    [InlineData(null, null, null)]
    [InlineData("Acme  Corp", "Jane", "Organization: Acme Corp")]
    [InlineData(" ", "Jane Doe", "Person: Jane Doe")]
    public void The_supplier_is_the_company_else_the_authors_else_no_assertion(string? company, string? authors, string? expected)
    {
        Assert.Equal(expected, SbomBuilder.Supplier(company, authors));
    }

    private RootfsEntry File(string path, string content, string origin = "OciRootfsFile x")
    {
        var host = _temp.Combine(path.Replace('/', '_'));
        System.IO.File.WriteAllText(host, content);
        return new RootfsEntry { Path = path, Type = RootfsEntryType.RegularFile, Mode = 0b110_100_100, SourcePath = host, Size = content.Length, Origin = origin };
    }

    private SbomInput Input(IReadOnlyList<RootfsEntry> entries, long epoch = 1700000000) =>
        new("app", "1.0.0", "Acme", null, epoch, "0.1.0", entries, new ContentDigests(), "app", null);

    [Fact]
    public void The_document_lists_sorted_files_owned_by_their_package_and_its_namespace_follows_the_content()
    {
        List<RootfsEntry> entries =
        [
            File("app/Newtonsoft.Json.dll", "json"),
            File("app/app.deps.json", Deps),
            File("app/app.dll", "app"),
            File("etc/debian_version", "12.4\n"),
            File("var/lib/dpkg/info/base-files.list", "/.\n/etc\n/etc/debian_version\n"),
            File("var/lib/dpkg/status", Status),
        ];
        entries.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        var problems = new List<string>();
        var document = SbomBuilder.Build(Input(entries), (what, why) => problems.Add(what + why));
        Assert.Empty(problems);
        var json = document.ToJson();
        using var parsed = JsonDocument.Parse(json);
        var root = parsed.RootElement;
        Assert.Equal("2023-11-14T22:13:20Z", root.GetProperty("creationInfo").GetProperty("created").GetString());
        Assert.Equal(entries.Select(e => "./" + e.Path), root.GetProperty("files").EnumerateArray().Select(f => f.GetProperty("fileName").GetString()));
        var names = root.GetProperty("packages").EnumerateArray().Select(p => p.GetProperty("name").GetString()).ToList();
        Assert.Equal(["app", "Microsoft.NETCore.App.Runtime.linux-x64", "Newtonsoft.Json", "SQLitePCLRaw.lib", "base-files", "libc6"], names); // the bundle, then ordinal

        string Owner(string path)
        {
            var id = root.GetProperty("files").EnumerateArray().Single(f => f.GetProperty("fileName").GetString() == "./" + path).GetProperty("SPDXID").GetString();
            return root.GetProperty("relationships").EnumerateArray().Single(r => r.GetProperty("relatedSpdxElement").GetString() == id).GetProperty("spdxElementId").GetString()!;
        }

        Assert.Equal("SPDXRef-Package-nuget-Newtonsoft.Json-13.0.3", Owner("app/Newtonsoft.Json.dll"));
        Assert.Equal("SPDXRef-Package-bundle-app", Owner("app/app.dll"));
        Assert.StartsWith("SPDXRef-Package-deb-debian-base-files-", Owner("etc/debian_version"), StringComparison.Ordinal);
        var relationships = root.GetProperty("relationships").EnumerateArray().Select(r => $"{r.GetProperty("spdxElementId").GetString()} {r.GetProperty("relationshipType").GetString()} {r.GetProperty("relatedSpdxElement").GetString()}").ToList();
        Assert.Equal(relationships.Order(StringComparer.Ordinal), relationships);

        // Same input, same bytes; other content, other namespace.
        Assert.Equal(json, SbomBuilder.Build(Input(entries), (_, _) => { }).ToJson());
        var ns = root.GetProperty("documentNamespace").GetString()!;
        Assert.StartsWith(SpdxDocument.NamespacePrefix + "app-", ns, StringComparison.Ordinal);
        // The namespace is the SHA-256 of the document with an empty namespace (hashed as a draft, never kept).
        var draft = System.Text.Encoding.UTF8.GetBytes(System.Text.Encoding.UTF8.GetString(json).Replace($"\"documentNamespace\": \"{ns}\"", "\"documentNamespace\": \"\"", StringComparison.Ordinal));
        Assert.Equal(SpdxDocument.NamespacePrefix + "app-" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(draft)).ToLowerInvariant(), ns);
        Assert.Equal((byte)'\n', json[^1]);
        System.IO.File.WriteAllText(entries[2].SourcePath!, "APP");
        using var changed = JsonDocument.Parse(SbomBuilder.Build(Input(entries), (_, _) => { }).ToJson());
        Assert.NotEqual(ns, changed.RootElement.GetProperty("documentNamespace").GetString());
    }

    [Fact]
    public void A_broken_deps_json_is_reported_and_its_files_stay_the_bundles()
    {
        List<RootfsEntry> entries = [File("app/app.deps.json", "{ broken"), File("app/app.dll", "app")];
        var problems = new List<string>();
        var document = SbomBuilder.Build(Input(entries), (what, why) => problems.Add(what));
        Assert.Equal(["/app/app.deps.json"], problems);
        Assert.Single(document.Packages);
        Assert.Equal(2, document.Files.Count);
    }
}
