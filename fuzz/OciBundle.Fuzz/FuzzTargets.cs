using OciBundle.Diagnostics;
using OciBundle.ElfFormat;
using OciBundle.Images;
using OciBundle.Images.Layers;
using OciBundle.Images.Sources;
using OciBundle.Platform;
using OciBundle.Plugins;
using OciBundle.Request;
using OciBundle.Rootfs;
using OciBundle.Seccomp;
using OciBundle.Settings;
using OciBundle.Spec;
using OciBundle.Steps;
using OciBundle.Validation;

namespace OciBundle.Fuzz;

/// <summary>
/// One entry point per parser of untrusted input. Each feeds the bytes through the real parser,
/// the way a build reads that input (from a file, by path). A coded outcome (diagnostics, an
/// <see cref="OciBundleException"/>) is normal; any other exception escapes and is a crash.
/// Shared by the fuzzer (Program.cs) and by the unit tests that replay the kept inputs.
/// </summary>
public static class FuzzTargets
{
    /// <summary>
    /// Inputs above this are ignored: a bound on the work per input (a 64 KiB gzip stream expands
    /// to at most about 64 MiB), so a run measures parsing, not disk writes. afl-fuzz gets the same bound (-G).
    /// </summary>
    public const int MaxInputBytes = 64 * 1024;

    public static readonly IReadOnlyList<string> Names = ["archive", "seccomp", "plugin", "elf", "passwd", "image", "sbom"];

    public static Action<byte[]> For(string name, string scratch) => name switch
    {
        "archive" => input => Archive(input, scratch),
        "seccomp" => input => Seccomp(input, scratch),
        "plugin" => input => Plugin(input, scratch),
        "elf" => input => Elf(input, scratch),
        "passwd" => input => Passwd(input, scratch),
        "image" => input => Image(input, scratch),
        "sbom" => input => Sbom(input, scratch),
        _ => throw new ArgumentException($"unknown fuzz target '{name}'; use one of {string.Join(", ", Names)}", nameof(name)),
    };

    /// <summary>
    /// OciBaseRootfs as an archive, read by <see cref="BaseRootfsLoader"/>. The build picks the
    /// decompressor by the file's name; here the name follows the input's magic number, so afl
    /// can move between plain, gzip and bzip2 archives.
    /// </summary>
    public static void Archive(byte[] input, string scratch)
    {
        if (input.Length > MaxInputBytes)
        {
            return;
        }

        var name = input.AsSpan().StartsWith((ReadOnlySpan<byte>)[0x1F, 0x8B]) ? "base.tar.gz"
            : input.AsSpan().StartsWith("BZh"u8) ? "base.tar.bz2"
            : "base.tar";
        var work = Fresh(scratch);
        var path = Path.Combine(work, name);
        File.WriteAllBytes(path, input);
        var tree = new RootfsTree();
        try
        {
            BaseRootfsLoader.Load(tree, path, Path.Combine(work, "spool"), _ => { });
            _ = tree.Sorted();
        }
        catch (OciBundleException)
        {
        }
    }

    /// <summary>
    /// OciBaseImage: the input is (1) each JSON document of an image (index, manifest, config,
    /// docker save's manifest.json), parsed directly; (2) an image archive, resolved and loaded as
    /// oci-archive: and as docker-archive: (index.json and manifest.json carry no digest, so they
    /// are fuzzed through the whole reader); (3) one layer (plain, gzip or zstd by its magic)
    /// applied over a small lower layer, with its digest and diff_id made to match so the layer
    /// code itself is reached: whiteouts, opaque folders, links across layers.
    /// </summary>
    public static void Image(byte[] input, string scratch)
    {
        if (input.Length > MaxInputBytes)
        {
            return;
        }

        foreach (var parse in new Action<byte[]>[] { b => ImageJson.ParseIndex(b), b => ImageJson.ParseManifest(b), b => ImageJson.ParseConfig(b), b => ImageJson.ParseDockerManifest(b) })
        {
            try
            {
                parse(input);
            }
            catch (ImageFormatException)
            {
            }
        }

        var work = Fresh(scratch);
        File.WriteAllBytes(Path.Combine(work, "in.tar"), input);
        foreach (var reference in new[] { "oci-archive:in.tar", "docker-archive:in.tar" })
        {
            var diagnostics = new DiagnosticBag();
            var request = new BundleRequest { ProjectDirectory = work }.With(SurfaceNames.BaseImage, reference).With(SurfaceNames.TargetArchitecture, "amd64");
            if (SettingsReader.Read(new RequestReader(request, diagnostics)).BaseImage.Image is { } image)
            {
                try
                {
                    _ = BaseImageLoader.Load(new RootfsTree(), image, Path.Combine(work, "spool-" + reference[..3]), _ => { }, 64L << 20).Entries.Count;
                }
                catch (OciBundleException)
                {
                }
            }
        }

        var tree = new RootfsTree();
        foreach (var (path, type, target) in new[] { ("etc", RootfsEntryType.Directory, ""), ("etc/passwd", RootfsEntryType.RegularFile, ""), ("lib", RootfsEntryType.SymbolicLink, "usr/lib"), ("usr/lib/a", RootfsEntryType.RegularFile, ""), ("data/x/y", RootfsEntryType.RegularFile, "") })
        {
            tree.Add(new RootfsEntry { Path = path, Type = type, Mode = 0b111_101_101, LinkTarget = target.Length > 0 ? target : null, SourcePath = type == RootfsEntryType.RegularFile ? Spool(work, "lower-" + tree.Count, [1]) : null, Size = type == RootfsEntryType.RegularFile ? 1 : 0 });
        }

        var mediaType = input.AsSpan().StartsWith((ReadOnlySpan<byte>)[0x1F, 0x8B]) ? MediaTypes.LayerTarGzip
            : input.AsSpan().StartsWith((ReadOnlySpan<byte>)[0x28, 0xB5, 0x2F, 0xFD]) ? MediaTypes.LayerTarZstd
            : MediaTypes.LayerTar;
        var source = new MemorySource(input, mediaType);
        try
        {
            LayerApplier.Apply(tree, source, source.Layer, 2, 2, Path.Combine(work, "spool-layer"), _ => { }, 64L << 20);
            _ = tree.Sorted();
        }
        catch (OciBundleException)
        {
        }
    }

    /// <summary>One blob in memory whose descriptor and diff_id are its own digest: the layer code sees a verified layer.</summary>
    private sealed class MemorySource(byte[] data, string mediaType) : IImageSource
    {
        private static readonly ImageReference Fuzzed = new(SurfaceNames.BaseImage, "oci:fuzz", ImageTransport.Oci, "/nonexistent", null);
        private static string Digest(byte[] bytes) => "sha256:" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(bytes)).ToLowerInvariant();

        public BaseLayer Layer { get; } = new(new Descriptor(mediaType, Digest(data), data.Length), Digest(data));

        public ImageReference Reference => Fuzzed;

        public ResolvedImage Resolve(ImagePlatform platform) => throw new NotSupportedException();

        public VerifiedBlobStream OpenBlob(Descriptor descriptor, string role) => new(new MemoryStream(data, writable: false), descriptor, Fuzzed, role);
    }

    /// <summary>OciSeccompProfile as a file: parsed, checked, then rendered for every architecture with no and with every capability.</summary>
    public static void Seccomp(byte[] input, string scratch)
    {
        if (input.Length > MaxInputBytes)
        {
            return;
        }

        var path = Path.Combine(Fresh(scratch), "profile.json");
        File.WriteAllBytes(path, input);
        var diagnostics = new DiagnosticBag();
        if (SeccompSettings.Load("profile.json", path, null, diagnostics) is not { } loaded)
        {
            return;
        }

        string[] everyCapability = [.. loaded.Document.Syscalls?.SelectMany(s => (s.Includes?.Caps ?? []).Concat(s.Excludes?.Caps ?? [])) ?? []];
        foreach (var architecture in TargetArchitecture.All)
        {
            foreach (var granted in new[] { [], everyCapability })
            {
                var spec = new RuntimeSpec();
                spec.Linux.Seccomp = SeccompRenderer.Render(loaded.Document, architecture.SeccompTarget, granted);
                _ = SpecJson.Serialize(spec);
            }
        }
    }

    /// <summary>
    /// OciPluginConfig as a file: imported into a request, built into a spec, checked, and
    /// written back as a plugin config.json when it passes, as <c>BundleGenerator</c> does.
    /// </summary>
    public static void Plugin(byte[] input, string scratch)
    {
        if (input.Length > MaxInputBytes)
        {
            return;
        }

        var work = Fresh(scratch);
        File.WriteAllBytes(Path.Combine(work, "config.json"), input);
        var diagnostics = new DiagnosticBag();
        var request = new BundleRequest { ProjectDirectory = work }.With(SurfaceNames.PluginConfig, "config.json").WithPluginConfig(diagnostics);
        var reader = new RequestReader(request, diagnostics);
        var built = SpecBuilder.Build(reader);
        var spec = built.Spec;
        SpecRules.Check(built, reader.Diagnostics);
        PluginRules.Check(spec, built.Settings, diagnostics);
        if (!diagnostics.HasErrors)
        {
            _ = SpecJson.Serialize(spec);
            _ = PluginConfigWriter.Write(built.Settings, spec);
        }
    }

    /// <summary>
    /// An ELF file in the rootfs: the machine check of the entrypoint, and the loader's view the
    /// shared-library collector reads. <see cref="ElfFormatException"/> is that reader's coded
    /// outcome: the collector reports it as a warning (OCIB3055).
    /// </summary>
    public static void Elf(byte[] input, string scratch)
    {
        if (input.Length > MaxInputBytes)
        {
            return;
        }

        _ = ElfReader.TryReadMachine(input, out _);
        var path = Path.Combine(Fresh(scratch), "program");
        File.WriteAllBytes(path, input);
        try
        {
            if (ElfReader.Read(path) is { } elf)
            {
                _ = elf.IsDynamic;
            }
        }
        catch (ElfFormatException)
        {
        }
    }

    /// <summary>
    /// The rootfs's /etc/passwd and /etc/group, read by <see cref="AccountResolver"/> to resolve
    /// OciUser and OciAdditionalGroup names. The input is the passwd file, a NUL byte, then the
    /// group file (no NUL: the same bytes for both). Names are looked up twice: fixed ones, and the
    /// first name each file holds, so lookups that succeed are covered too.
    /// </summary>
    public static void Passwd(byte[] input, string scratch)
    {
        if (input.Length > MaxInputBytes)
        {
            return;
        }

        var split = Array.IndexOf(input, (byte)0);
        var passwd = split < 0 ? input : input[..split];
        var group = split < 0 ? input : input[(split + 1)..];
        var work = Fresh(scratch);
        var tree = new RootfsTree();
        tree.Add(new RootfsEntry { Path = "etc/passwd", Type = RootfsEntryType.RegularFile, Mode = 0b110_100_100, SourcePath = Spool(work, "passwd", passwd), Size = passwd.Length });
        tree.Add(new RootfsEntry { Path = "etc/group", Type = RootfsEntryType.RegularFile, Mode = 0b110_100_100, SourcePath = Spool(work, "group", group), Size = group.Length });

        Resolve(tree, "nobody:nogroup", ["adm", "wheel", "0"]);
        var firstUser = FirstName(passwd);
        var firstGroup = FirstName(group);
        if (AccountNames.IsName(firstUser) && AccountNames.IsName(firstGroup))
        {
            Resolve(tree, firstUser, [firstGroup]);
            Resolve(tree, $"{firstUser}:{firstGroup}", [firstGroup, "1"]);
        }
    }

    private static void Resolve(RootfsTree tree, string user, string[] groups)
    {
        var request = new BundleRequest().With(SurfaceNames.User, user);
        foreach (var group in groups)
        {
            request.WithItem(SurfaceNames.AdditionalGroup, group);
        }

        var diagnostics = new DiagnosticBag();
        var spec = new RuntimeSpec();
        try
        {
            var reader = new RequestReader(request, diagnostics);
            AccountResolver.Resolve(diagnostics, SettingsReader.Read(reader), spec, tree);
        }
        catch (OciBundleException)
        {
        }
    }

    private static string FirstName(byte[] file)
    {
        var text = System.Text.Encoding.UTF8.GetString(file);
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? "" : text[..colon];
    }

    /// <summary>
    /// What the bill of materials reads from a rootfs: input split at NUL bytes into an app's
    /// deps.json, a dpkg status, a dpkg .list file, a copyright file and an apk database, placed
    /// as a rootfs holds them; the SPDX document is built and written.
    /// </summary>
    public static void Sbom(byte[] input, string scratch)
    {
        if (input.Length > MaxInputBytes)
        {
            return;
        }

        var parts = new List<byte[]>();
        var start = 0;
        for (var i = 0; i <= input.Length && parts.Count < 5; i++)
        {
            if (i == input.Length || input[i] == 0)
            {
                parts.Add(input[start..i]);
                start = i + 1;
            }
        }

        while (parts.Count < 5)
        {
            parts.Add([]);
        }

        var work = Fresh(scratch);
        string[] paths = ["app/app.deps.json", "var/lib/dpkg/status", "var/lib/dpkg/info/libc6:amd64.list", "usr/share/doc/libc6/copyright", "lib/apk/db/installed"];
        var entries = paths.Select((p, i) => new RootfsEntry
        {
            Path = p,
            Type = RootfsEntryType.RegularFile,
            Mode = 0b110_100_100,
            SourcePath = Spool(work, i.ToString(System.Globalization.CultureInfo.InvariantCulture), parts[i]),
            Size = parts[i].Length,
        }).OrderBy(e => e.Path, StringComparer.Ordinal).ToList();
        var document = OciBundle.Sbom.SbomBuilder.Build(
            new OciBundle.Sbom.SbomInput("app", "1.0.0", null, "a", 0, "0.0.0", entries, new ContentDigests(), "app", null),
            (_, _) => { });
        _ = document.ToJson();
        _ = OciBundle.Sbom.DebianPackages.CopyrightLicense(System.Text.Encoding.UTF8.GetString(parts[3]));
    }

    private static string Spool(string work, string name, byte[] bytes)
    {
        var path = Path.Combine(work, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>An empty folder for one input under <paramref name="scratch"/>, so nothing one input left behind changes the next run.</summary>
    private static string Fresh(string scratch)
    {
        var work = Path.Combine(scratch, "input");
        if (Directory.Exists(work))
        {
            Directory.Delete(work, recursive: true);
        }

        Directory.CreateDirectory(work);
        return work;
    }
}
