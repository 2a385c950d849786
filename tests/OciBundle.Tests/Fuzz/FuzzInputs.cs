using System.Formats.Tar;
using System.IO.Compression;
using System.Text;

namespace OciBundle.Tests.Fuzz;

/// <summary>
/// The small real inputs generated requests point at: files, a folder tree, base archives (good,
/// garbage, hostile) and seccomp profiles. Made once per test run in <see cref="Root"/>; the
/// generator only picks among their paths, so requests stay cheap to build and to check.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class FuzzInputs
{
    public FuzzInputs(string root)
    {
        Root = root;
        Directory.CreateDirectory(root);
        File.WriteAllText(Combine("hello.txt"), "hello\n");
        File.WriteAllText(Combine("run.sh"), "#!/bin/sh\necho hi\n");
        File.SetUnixFileMode(Combine("run.sh"), (UnixFileMode)0b111_101_101);

        // A real program of this host's architecture, so clean requests pass the entrypoint checks.
        File.Copy(new FileInfo("/bin/sh").ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? "/bin/sh", Combine("program"));
        File.SetUnixFileMode(Combine("program"), (UnixFileMode)0b111_101_101);
        File.WriteAllBytes(Combine("empty.bin"), []);
        File.WriteAllText(Combine("name with spaces ü.txt"), "x");
        File.WriteAllText(Combine("passwd"), "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n");
        File.WriteAllText(Combine("group"), "root:x:0:\nstaff:x:50:app\napp:x:1000:\n");

        // A folder tree: a base rootfs folder and a folder item, with a link and a nested file.
        Directory.CreateDirectory(Combine("tree", "etc"));
        Directory.CreateDirectory(Combine("tree", "bin"));
        File.Copy(Combine("passwd"), Combine("tree", "etc", "passwd"));
        File.Copy(Combine("group"), Combine("tree", "etc", "group"));
        File.Copy(Combine("run.sh"), Combine("tree", "bin", "run"));
        File.CreateSymbolicLink(Combine("tree", "bin", "sh"), "run");

        WriteTar(Combine("base.tar"), gzip: false);
        WriteTar(Combine("base.tar.gz"), gzip: true);
        WriteTar(Combine("base.tgz"), gzip: true);
        WriteEvilTar(Combine("evil.tar"));
        File.WriteAllText(Combine("garbage.tar.gz"), "this is not gzip");
        File.WriteAllText(Combine("garbage.tar"), new string('x', 1500));
        File.WriteAllText(Combine("garbage.tar.bz2"), "BZh9 not really");
        File.WriteAllText(Combine("garbage.txt"), "plain text");
        var good = File.ReadAllBytes(Combine("base.tar.gz"));
        File.WriteAllBytes(Combine("truncated.tar.gz"), good[..(good.Length / 2)]);

        File.WriteAllText(Combine("oci.json"), """{ "defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86_64"], "syscalls": [ { "names": ["read", "write"], "action": "SCMP_ACT_ALLOW" } ] }""");
        File.WriteAllText(Combine("docker.json"), """{ "defaultAction": "SCMP_ACT_ERRNO", "archMap": [ { "architecture": "SCMP_ARCH_X86_64", "subArchitectures": ["SCMP_ARCH_X86"] } ], "syscalls": [ { "names": ["read"], "action": "SCMP_ACT_ALLOW" }, { "names": ["mount"], "action": "SCMP_ACT_ALLOW", "includes": { "caps": ["CAP_SYS_ADMIN"], "arches": ["amd64"], "minKernel": "4.8" } } ] }""");
        File.WriteAllText(Combine("flags.json"), """{ "defaultAction": "SCMP_ACT_ALLOW", "flags": ["SECCOMP_FILTER_FLAG_LOG"], "syscalls": [] }""");
        File.WriteAllText(Combine("weird.json"), """{ "defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 99999999999999999999, "syscalls": [ { "names": [], "action": "SCMP_ACT_KILL", "args": [ { "index": -1, "value": 1.5, "op": "SCMP_CMP_EQ" } ] } ] }""");
        File.WriteAllText(Combine("types.json"), """{ "defaultAction": 1, "architectures": "SCMP_ARCH_X86_64", "syscalls": { "names": null } }""");
        File.WriteAllText(Combine("broken.json"), """{ "defaultAction": "SCMP_ACT_ERRNO", """);
        File.WriteAllText(Combine("deep.json"), new string('[', 5000) + new string(']', 5000));
        File.WriteAllText(Combine("bom.json"), "\uFEFF{ \"defaultAction\": \"SCMP_ACT_ALLOW\" }", Encoding.UTF8);
        File.WriteAllText(Combine("array.json"), "[]");
    }

    public string Root { get; }

    public string Combine(params string[] parts) => Path.Combine([Root, .. parts]);

    /// <summary>Host paths for OciRootfsFile: files, a folder, and paths that do not exist.</summary>
    public IReadOnlyList<string> RootfsFileSources =>
    [
        Combine("hello.txt"), Combine("run.sh"), Combine("empty.bin"), Combine("name with spaces ü.txt"),
        Combine("passwd"), Combine("group"), Combine("tree"), Combine("tree", "bin"), Combine("missing.txt"),
        Combine("tree", "bin", "sh"), Root, Combine("tree") + "/**/*", "*.txt",
    ];

    /// <summary>Values for OciBaseRootfs: good folders and archives, broken archives, unsupported forms.</summary>
    public IReadOnlyList<string> BaseRootfsValues =>
    [
        Combine("tree"), Combine("base.tar"), Combine("base.tar.gz"), Combine("base.tgz"), Combine("evil.tar"),
        Combine("garbage.tar.gz"), Combine("garbage.tar"), Combine("garbage.tar.bz2"), Combine("garbage.txt"),
        Combine("truncated.tar.gz"), Combine("missing.tar.gz"), "raw://" + Combine("tree"), "raw://tree",
        "raw://" + Combine("base.tar"), "raw://" + Combine("missing"), "RAW://" + Combine("tree"), "raw://",
    ];

    public IReadOnlyList<string> SeccompProfileFiles =>
    [
        Combine("oci.json"), Combine("docker.json"), Combine("flags.json"), Combine("weird.json"), Combine("types.json"),
        Combine("broken.json"), Combine("deep.json"), Combine("bom.json"), Combine("array.json"), Combine("empty.bin"),
        Combine("missing.json"), Combine("tree"),
    ];

    /// <summary>A small image: etc/passwd and etc/group, a program, links, and entries the reader must skip.</summary>
    private static void WriteTar(string path, bool gzip)
    {
        using var file = File.Create(path);
        using Stream stream = gzip ? new GZipStream(file, CompressionLevel.Fastest) : file;
        using var writer = new TarWriter(stream, TarEntryFormat.Gnu);
        writer.WriteEntry(new GnuTarEntry(TarEntryType.Directory, "./etc/") { Mode = (UnixFileMode)0b111_101_101 });
        writer.WriteEntry(new GnuTarEntry(TarEntryType.RegularFile, "./etc/passwd") { DataStream = Text("root:x:0:0::/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n") });
        writer.WriteEntry(new GnuTarEntry(TarEntryType.RegularFile, "etc/group") { DataStream = Text("root:x:0:\nstaff:x:50:\n") });
        writer.WriteEntry(new GnuTarEntry(TarEntryType.RegularFile, "bin/tool") { Mode = (UnixFileMode)0b111_101_101, Uid = 1000, Gid = 1000, DataStream = Text("#!/bin/sh\n") });
        writer.WriteEntry(new GnuTarEntry(TarEntryType.SymbolicLink, "bin/sh") { LinkName = "tool" });
        writer.WriteEntry(new GnuTarEntry(TarEntryType.HardLink, "bin/tool2") { LinkName = "bin/tool" });
        writer.WriteEntry(new GnuTarEntry(TarEntryType.CharacterDevice, "dev/null") { DeviceMajor = 1, DeviceMinor = 3 });
        writer.WriteEntry(new GnuTarEntry(TarEntryType.Fifo, "run/fifo"));
    }

    /// <summary>An archive that tries to leave the rootfs.</summary>
    private static void WriteEvilTar(string path)
    {
        using var file = File.Create(path);
        using var writer = new TarWriter(file, TarEntryFormat.Gnu);
        writer.WriteEntry(new GnuTarEntry(TarEntryType.RegularFile, "ok.txt") { DataStream = Text("ok") });
        writer.WriteEntry(new GnuTarEntry(TarEntryType.RegularFile, "../escape") { DataStream = Text("no") });
    }

    private static MemoryStream Text(string text) => new(Encoding.UTF8.GetBytes(text));
}
