using System.Text;
using OciBundle.Rootfs;

namespace OciBundle.Sbom;

/// <summary>What the bill of materials is made from: the finished rootfs and what we know of where its files came from.</summary>
/// <param name="Sorted">The rootfs entries as written.</param>
/// <param name="AppDirectory">The publish output's rootfs folder ("app"), or null when there is none.</param>
/// <param name="SysrootHostPath">OciSysroot, when shared libraries were copied from it.</param>
public sealed record SbomInput(
    string BundleName,
    string? Version,
    string? Company,
    string? Authors,
    long SourceDateEpoch,
    string ToolVersion,
    IReadOnlyList<RootfsEntry> Sorted,
    ContentDigests Digests,
    string? AppDirectory,
    string? SysrootHostPath,
    SbomImage? Image = null,
    SbomBaseImage? BaseImage = null);

/// <summary>The image this build writes: it gives the bundle's package a pkg:oci purl.</summary>
/// <param name="Name">OciImageName.</param>
/// <param name="RepositoryUrl">The name when it starts with a registry host, else null (where the image will be pushed is not known).</param>
/// <param name="Tag">The first OciImageTag.</param>
public sealed record SbomImage(string Name, string ManifestDigest, string Architecture, string? RepositoryUrl, string? Tag);

/// <summary>The base image the rootfs started from (OciBaseImage).</summary>
/// <param name="Reference">As the user wrote it.</param>
/// <param name="Name">The image's repository name for its purl (the archive's NAME, else the file or folder name).</param>
/// <param name="Entries">The rootfs after its layers: a file still this very entry came from the base image.</param>
public sealed record SbomBaseImage(string Reference, string Name, string? Tag, string ManifestDigest, string? Architecture, IReadOnlyDictionary<string, RootfsEntry> Entries);

/// <summary>
/// Builds the SPDX document: one package for the bundle, one per NuGet package of the app's
/// deps.json, one per Debian package owning a library copied from the sysroot, the packages of a
/// Debian or Alpine database in the rootfs, and every regular file, each contained by the package
/// it came from (else by the bundle). Every list is sorted; nothing depends on the clock or the host.
/// </summary>
public static class SbomBuilder
{
    /// <summary>Package databases larger than this are not read (a real status file is a few MB).</summary>
    private const long MaxDatabaseBytes = 64L << 20;

    private const string SharedLibraryOrigin = "OciIncludeSharedLibraries";

    private sealed class PackageInfo
    {
        public required string Key { get; init; }

        public required SpdxDocument.Package Package { get; set; }

        /// <summary>Listed in a package database the base image brought: the base image contains it.</summary>
        public bool FromBaseImage { get; set; }
    }

    /// <param name="warn">Told, in a sentence, of a package database or deps.json that could not be read (its packages are left out).</param>
    public static SpdxDocument Build(SbomInput input, Action<string, string> warn)
    {
        var packages = new Dictionary<string, PackageInfo>(StringComparer.Ordinal); // by purl
        var fileOwner = new Dictionary<string, string>(StringComparer.Ordinal); // rootfs path -> purl
        var byPath = input.Sorted.Where(e => e.Type == RootfsEntryType.RegularFile).ToDictionary(e => e.Path, StringComparer.Ordinal);

        AddNuGet(input, byPath, packages, fileOwner, warn);
        AddSysrootDebian(input, packages, fileOwner, warn);
        AddRootfsDatabases(input, byPath, packages, fileOwner, warn);

        var ids = new SpdxIds();
        var bundleId = ids.New("Package", "bundle-" + input.BundleName);
        var bundle = new SpdxDocument.Package(
            bundleId,
            input.BundleName,
            string.IsNullOrWhiteSpace(input.Version) ? null : input.Version.Trim(),
            Supplier(input.Company, input.Authors),
            input.Image is { } image ? Purl.Oci(image.Name, image.ManifestDigest, image.Architecture, image.RepositoryUrl, image.Tag) : null,
            null,
            SpdxDocument.NoAssertion,
            "CONTAINER",
            "The OCI bundle's root filesystem, written by OciBundle.Sdk");
        SpdxDocument.Package? baseImage = null;
        if (input.BaseImage is { } b)
        {
            var purl = Purl.Oci(b.Name, b.ManifestDigest, b.Architecture, null, b.Tag);
            baseImage = new SpdxDocument.Package(
                ids.New("Package", purl.Replace("pkg:", "", StringComparison.Ordinal)),
                b.Reference,
                b.ManifestDigest,
                null,
                purl,
                null,
                SpdxDocument.NoAssertion,
                "CONTAINER",
                "The base image (OciBaseImage) the root filesystem starts from; the version is its manifest's digest")
            {
                Sha256 = b.ManifestDigest.StartsWith("sha256:", StringComparison.Ordinal) ? b.ManifestDigest["sha256:".Length..] : null,
            };
        }

        var ordered = packages.Values
            .OrderBy(p => p.Package.Name, StringComparer.Ordinal)
            .ThenBy(p => p.Package.Version, StringComparer.Ordinal)
            .ThenBy(p => p.Key, StringComparer.Ordinal)
            .ToList();
        var idByPurl = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in ordered)
        {
            var id = ids.New("Package", p.Key.Replace("pkg:", "", StringComparison.Ordinal));
            idByPurl[p.Key] = id;
            p.Package = p.Package with { Id = id };
        }

        // A tree: the bundle contains the base image and what the build added; the base image
        // contains the packages its own package database lists, and the files it brought.
        var relationships = new List<SpdxDocument.Relationship> { new(SpdxDocument.DocumentId, "DESCRIBES", bundleId) };
        if (baseImage is not null)
        {
            relationships.Add(new(bundleId, "CONTAINS", baseImage.Id));
        }

        relationships.AddRange(ordered.Select(p => new SpdxDocument.Relationship(p.FromBaseImage && baseImage is not null ? baseImage.Id : bundleId, "CONTAINS", p.Package.Id)));
        var files = new List<SpdxDocument.File>();
        foreach (var entry in input.Sorted.Where(e => e.Type == RootfsEntryType.RegularFile))
        {
            var digest = input.Digests.For(entry);
            var file = new SpdxDocument.File(ids.New("File", entry.Path), entry.Path, digest.Sha256, digest.Sha1);
            files.Add(file);
            var owner = fileOwner.TryGetValue(entry.Path, out var purl) ? idByPurl[purl]
                : baseImage is not null && FromBase(input, entry) ? baseImage.Id
                : bundleId;
            relationships.Add(new SpdxDocument.Relationship(owner, "CONTAINS", file.Id));
        }

        return new SpdxDocument
        {
            Name = input.BundleName,
            Created = SpdxDocument.Rfc3339(input.SourceDateEpoch),
            Creator = "Tool: OciBundle.Sdk-" + input.ToolVersion,
            Packages = [bundle, .. baseImage is null ? [] : new[] { baseImage }, .. ordered.Select(p => p.Package)],
            Files = files,
            Relationships = relationships
                .OrderBy(r => r.From, StringComparer.Ordinal)
                .ThenBy(r => r.Type, StringComparer.Ordinal)
                .ThenBy(r => r.To, StringComparer.Ordinal)
                .ToList(),
        };
    }

    /// <summary>Whether the base image brought this very entry (the project did not replace it).</summary>
    private static bool FromBase(SbomInput input, RootfsEntry entry) =>
        input.BaseImage is { } b && b.Entries.TryGetValue(entry.Path, out var original) && ReferenceEquals(original, entry);

    /// <summary>"Organization: Company", else "Person: Authors", else NOASSERTION (null).</summary>
    public static string? Supplier(string? company, string? authors)
    {
        static string Clean(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return !string.IsNullOrWhiteSpace(company) ? "Organization: " + Clean(company)
            : !string.IsNullOrWhiteSpace(authors) ? "Person: " + Clean(authors)
            : null;
    }

    /// <summary>A Debian Maintainer "Name &lt;mail&gt;" as an SPDX supplier "Person: Name (mail)".</summary>
    public static string? MaintainerSupplier(string? maintainer)
    {
        if (string.IsNullOrWhiteSpace(maintainer))
        {
            return null;
        }

        var text = maintainer.Trim();
        var open = text.IndexOf('<', StringComparison.Ordinal);
        var close = text.IndexOf('>', StringComparison.Ordinal);
        return open > 0 && close > open
            ? $"Person: {text[..open].Trim()} ({text[(open + 1)..close].Trim()})"
            : "Person: " + text;
    }

    private static void AddNuGet(SbomInput input, Dictionary<string, RootfsEntry> byPath, Dictionary<string, PackageInfo> packages, Dictionary<string, string> fileOwner, Action<string, string> warn)
    {
        if (input.AppDirectory is not { } app)
        {
            return;
        }

        var prefix = app.Length == 0 ? "" : app + "/";
        foreach (var deps in byPath.Values.Where(e => e.Path.StartsWith(prefix, StringComparison.Ordinal)
            && e.Path.EndsWith(".deps.json", StringComparison.Ordinal) && !e.Path[prefix.Length..].Contains('/', StringComparison.Ordinal)).OrderBy(e => e.Path, StringComparer.Ordinal))
        {
            IReadOnlyList<DepsJson.Package> found;
            try
            {
                found = DepsJson.Parse(ReadBytes(deps));
            }
            catch (Exception e) when (e is FormatException or IOException or UnauthorizedAccessException)
            {
                warn("/" + deps.Path, e.Message);
                continue;
            }

            foreach (var package in found)
            {
                var purl = Purl.NuGet(package.Name, package.Version);
                if (!packages.ContainsKey(purl))
                {
                    packages[purl] = new PackageInfo
                    {
                        Key = purl,
                        Package = new SpdxDocument.Package("", package.Name, package.Version, null, purl, package.Sha512Hex, SpdxDocument.NoAssertion, "LIBRARY", null),
                    };
                }

                foreach (var asset in package.Assets.Order(StringComparer.Ordinal))
                {
                    var path = prefix + asset;
                    if (byPath.ContainsKey(path))
                    {
                        fileOwner.TryAdd(path, purl);
                    }
                }
            }
        }
    }

    private static void AddSysrootDebian(SbomInput input, Dictionary<string, PackageInfo> packages, Dictionary<string, string> fileOwner, Action<string, string> warn)
    {
        var copied = input.Sorted.Where(e => e.Type == RootfsEntryType.RegularFile && e.Origin.StartsWith(SharedLibraryOrigin, StringComparison.Ordinal)).ToList();
        if (input.SysrootHostPath is not { } sysroot || copied.Count == 0)
        {
            return;
        }

        var statusPath = Path.Combine(sysroot, "var", "lib", "dpkg", "status");
        var info = Path.Combine(sysroot, "var", "lib", "dpkg", "info");
        if (!File.Exists(statusPath) || !Directory.Exists(info))
        {
            return; // a sysroot unpacked with dpkg-deb -x has no database: its libraries stay the bundle's
        }

        IReadOnlyList<DebianPackages.Package> installed;
        var owners = new Dictionary<string, (string Name, string? Architecture)>(StringComparer.Ordinal);
        try
        {
            installed = DebianPackages.ParseStatus(ReadText(statusPath));
            var wanted = copied.Select(e => DebianPackages.Canonical(e.Path)).ToHashSet(StringComparer.Ordinal);
            foreach (var list in Directory.EnumerateFiles(info, "*.list").Order(StringComparer.Ordinal))
            {
                if (DebianPackages.ListOwner(Path.GetFileName(list)) is not { } owner)
                {
                    continue;
                }

                foreach (var path in DebianPackages.ListPaths(ReadText(list)).Where(wanted.Contains))
                {
                    owners.TryAdd(path, owner);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            warn(statusPath, e.Message);
            return;
        }

        foreach (var entry in copied)
        {
            if (owners.TryGetValue(DebianPackages.Canonical(entry.Path), out var owner)
                && Find(installed, owner) is { } package)
            {
                var purl = AddDebian(packages, package, () => CopyrightFromHost(Path.Combine(sysroot, "usr", "share", "doc", package.Name, "copyright")));
                fileOwner.TryAdd(entry.Path, purl);
            }
        }
    }

    private static void AddRootfsDatabases(SbomInput input, Dictionary<string, RootfsEntry> byPath, Dictionary<string, PackageInfo> packages, Dictionary<string, string> fileOwner, Action<string, string> warn)
    {
        string? Copyright(string name) =>
            byPath.TryGetValue($"usr/share/doc/{name}/copyright", out var entry) && entry.Size <= MaxDatabaseBytes ? TryRead(entry) is { } text ? DebianPackages.CopyrightLicense(text) : null : null;

        // Debian: var/lib/dpkg/status with info/*.list; distroless images keep one status paragraph per package in status.d/.
        var debian = new List<DebianPackages.Package>();
        var fromBase = new HashSet<DebianPackages.Package>();
        if (byPath.TryGetValue("var/lib/dpkg/status", out var status))
        {
            if (TryRead(status) is { } text)
            {
                var parsed = DebianPackages.ParseStatus(text);
                debian.AddRange(parsed);
                if (FromBase(input, status))
                {
                    fromBase.UnionWith(parsed);
                }
            }
            else
            {
                warn("/" + status.Path, "it cannot be read");
            }
        }

        foreach (var entry in byPath.Values.Where(e => e.Path.StartsWith("var/lib/dpkg/status.d/", StringComparison.Ordinal) && !e.Path.EndsWith(".md5sums", StringComparison.Ordinal)))
        {
            if (TryRead(entry) is { } text)
            {
                // status.d paragraphs carry no Status line: each file is one installed package.
                var parsed = DebianPackages.ParseStatus(string.Join('\n', text.Split('\n').Where(l => !l.StartsWith("Status:", StringComparison.Ordinal))) + "\nStatus: install ok installed\n");
                debian.AddRange(parsed);
                if (FromBase(input, entry))
                {
                    fromBase.UnionWith(parsed);
                }
            }
        }

        foreach (var package in debian)
        {
            var purl = AddDebian(packages, package, () => Copyright(package.Name));
            packages[purl].FromBaseImage |= fromBase.Contains(package);
        }

        if (debian.Count > 0)
        {
            // dpkg's lists say /bin/busybox where a merged-/usr rootfs has usr/bin/busybox and an
            // older one bin/busybox: both sides meet at the canonical (usr/) path.
            var byCanonical = byPath.Keys.ToLookup(DebianPackages.Canonical, StringComparer.Ordinal);
            foreach (var list in byPath.Values.Where(e => e.Path.StartsWith("var/lib/dpkg/info/", StringComparison.Ordinal) && e.Path.EndsWith(".list", StringComparison.Ordinal)))
            {
                if (DebianPackages.ListOwner(Path.GetFileName(list.Path)) is { } owner && Find(debian, owner) is { } package && TryRead(list) is { } text)
                {
                    var purl = Purl.Debian(package.Name, package.Version, package.Architecture);
                    foreach (var path in DebianPackages.ListPaths(text).SelectMany(p => byCanonical[p]))
                    {
                        fileOwner.TryAdd(path, purl);
                    }
                }
            }

            foreach (var sums in byPath.Values.Where(e => e.Path.StartsWith("var/lib/dpkg/status.d/", StringComparison.Ordinal) && e.Path.EndsWith(".md5sums", StringComparison.Ordinal)))
            {
                var name = Path.GetFileName(sums.Path)[..^".md5sums".Length];
                if (debian.FirstOrDefault(p => p.Name == name) is { } package && TryRead(sums) is { } text)
                {
                    var purl = Purl.Debian(package.Name, package.Version, package.Architecture);
                    foreach (var line in text.Split('\n'))
                    {
                        var space = line.IndexOf("  ", StringComparison.Ordinal);
                        foreach (var path in space > 0 ? byCanonical[DebianPackages.Canonical(line[(space + 2)..])] : [])
                        {
                            fileOwner.TryAdd(path, purl);
                        }
                    }
                }
            }
        }

        if (byPath.TryGetValue("lib/apk/db/installed", out var apk))
        {
            if (TryRead(apk) is not { } text)
            {
                warn("/" + apk.Path, "it cannot be read");
                return;
            }

            foreach (var package in AlpinePackages.Parse(text))
            {
                var purl = Purl.Alpine(package.Name, package.Version, package.Architecture);
                if (!packages.ContainsKey(purl))
                {
                    packages[purl] = new PackageInfo
                    {
                        Key = purl,
                        Package = new SpdxDocument.Package(
                            "", package.Name, package.Version, MaintainerSupplier(package.Maintainer), purl, null,
                            package.License is { } l && SpdxLicenses.Expression(l) is { } id ? id : SpdxDocument.NoAssertion, null, null),
                    };
                }

                packages[purl].FromBaseImage |= FromBase(input, apk);

                foreach (var path in package.Files.Where(byPath.ContainsKey))
                {
                    fileOwner.TryAdd(path, purl);
                }
            }
        }
    }

    private static string AddDebian(Dictionary<string, PackageInfo> packages, DebianPackages.Package package, Func<string?> license)
    {
        var purl = Purl.Debian(package.Name, package.Version, package.Architecture);
        if (!packages.ContainsKey(purl))
        {
            packages[purl] = new PackageInfo
            {
                Key = purl,
                Package = new SpdxDocument.Package(
                    "", package.Name, package.Version, MaintainerSupplier(package.Maintainer), purl, null, license() ?? SpdxDocument.NoAssertion, null, null),
            };
        }

        return purl;
    }

    /// <summary>The installed package a .list file names: by name and architecture, or by name alone for "name.list".</summary>
    private static DebianPackages.Package? Find(IReadOnlyList<DebianPackages.Package> installed, (string Name, string? Architecture) owner) =>
        installed.FirstOrDefault(p => p.Name == owner.Name && (owner.Architecture is null || p.Architecture == owner.Architecture));

    private static string? CopyrightFromHost(string path)
    {
        try
        {
            return File.Exists(path) && new FileInfo(path).Length <= MaxDatabaseBytes ? DebianPackages.CopyrightLicense(File.ReadAllText(path)) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string ReadText(string path) =>
        new FileInfo(path).Length > MaxDatabaseBytes ? throw new IOException($"larger than {MaxDatabaseBytes >> 20} MiB") : File.ReadAllText(path, Encoding.UTF8);

    private static byte[] ReadBytes(RootfsEntry entry)
    {
        if (entry.Size > MaxDatabaseBytes)
        {
            throw new IOException($"larger than {MaxDatabaseBytes >> 20} MiB");
        }

        return entry.SourcePath is null ? [] : File.ReadAllBytes(entry.SourcePath);
    }

    private static string? TryRead(RootfsEntry entry)
    {
        try
        {
            return Encoding.UTF8.GetString(ReadBytes(entry));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
