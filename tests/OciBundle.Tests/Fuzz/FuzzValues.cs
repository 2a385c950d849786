using static OciBundle.Request.SurfaceNames;

namespace OciBundle.Tests.Fuzz;

/// <summary>
/// Value pools for the generator: for each property, values the docs accept ("good") and values
/// just outside what they accept ("near misses": other case, off by one, the wrong unit).
/// Anything else comes from <see cref="RandomRequests.Junk"/>.
/// </summary>
internal static class FuzzValues
{
    public static readonly string[] Booleans = ["true", "false", "True", "FALSE"];

    public static readonly string[] BooleanMisses = ["yes", "1", "0", "on", "t", "true!", "ｔｒｕｅ"];

    /// <summary>Output folders, all inside the project folder so a successful build never writes elsewhere.</summary>
    public static readonly string[] OutputPaths =
    [
        "out/bundle", "out/bundle/", "bin/Debug/net8.0/oci-bundle/", "out dir/ü 😀/b", "sub/../out/b", "./out//b",
        "out/" + new string('n', 200), GeneratedRequest.OccupiedFileName, GeneratedRequest.OccupiedFileName + "/below",
    ];

    /// <summary>
    /// Archive paths: beside the output, inside it (OCIB5003), onto an existing file, onto an
    /// existing folder or the output folder itself (OCIB5005, see FoundByFuzzingTests).
    /// </summary>
    public static readonly string[] ArchivePaths =
    [
        "dist/app.bundle.tar.gz", "app.tgz", "out/bundle/inside.tar.gz", "dist", GeneratedRequest.OccupiedFileName, ".", "out", "out/bundle",
        GeneratedRequest.OccupiedFileName + "/x.tar.gz", "ü/😀.tar.gz", "out/" + new string('a', 300) + ".tgz",
    ];

    public static readonly Dictionary<string, (string[] Good, string[] Miss)> Properties = new(StringComparer.Ordinal)
    {
        [BundleName] = (["app", "my-app", "a.b_c", new string('h', 64)], [new string('h', 65), "with space", "ü", "-lead", ""]),
        [OciBundle.Request.SurfaceNames.Sbom] = (["spdx", "none", "SPDX", "None"], ["spdx2", "cyclonedx", "spdx-json", "no", ""]),
        [RootfsFormat] = (["tar.gz", "tgz", "tar", "directory", "TAR.GZ", "Directory", "tar.zst", "tzst"], ["zip", "tar.bz2", "dir", "tar.gz.", "folder"]),
        [RootfsCompressionLevel] = (["Optimal", "Fastest", "SmallestSize", "fastest"], ["NoCompression", "1", "9", "best", "Smallest"]),
        [SourceDateEpoch] = (["0", "1767225600", "8589934591", "1"], ["8589934592", "-1", "1.5", "+5", "0x10", "9223372036854775807", "99999999999999999999", " 1 2"]),
        [SpecVersion] = (["1.0.2", "1.1.0", "1.1.0-rc.1", "1.2.0"], ["1.0", "v1.0.2", "1.0.2-", "1.0.2+build", "01.0.0", "1.0.2.3", "1..2"]),
        [TargetArchitecture] = (["amd64", "arm64", "x86_64", "aarch64", "i686", "armv7l", "ppc64le", "s390x", "riscv64", "AMD64"], ["mips", "x64_64", "arm64e", "wasm", "amd"]),
        [global::OciBundle.Platform.TargetArchitecture.RuntimeIdentifierProperty] = (["linux-x64", "linux-musl-arm64", "linux-arm", "linux-x86"], ["win-x64", "linux-mips64", "x64", "-", "linux-", "osx-arm64"]),
        [SeccompProfile] = (["default", "unconfined", "DEFAULT"], ["./default", "none", "seccomp.json"]),
        [WorkingDirectory] = (["/", "/app", "/srv/a b", "/ü"], ["app", "./app", "~/x", "/a/../b", "//"]),
        [User] = (["0", "0:0", "1000:1000", "app", "app:staff", "1000:staff", "4294967294", "root"], ["4294967295", "-1", ":", "a:b:c", "1000:", "9app", "nobody", "app:nogroup", "ü"]),
        [Hostname] = (["web-1", "a.b_c", new string('h', 64)], [new string('h', 65), "bad host", "ü", "-x", "a/b"]),
        [Umask] = (["0022", "027", "0o077", "0777", "0"], ["1000", "8", "-1", "0o", "0x22", "00000022", "777 "]),
        [OomScoreAdj] = (["-1000", "1000", "0", "500"], ["1001", "-1001", "+5", "1e3"]),
        [ApparmorProfile] = (["docker-default", "unconfined"], ["a b", "ü"]),
        [SelinuxLabel] = (["system_u:system_r:container_t:s0:c1,c2"], ["x"]),
        [MountLabel] = (["system_u:object_r:container_file_t:s0"], ["x"]),
        [RootfsPropagation] = (["private", "shared", "slave", "unbindable", "SHARED"], ["rprivate", "rshared", "rslave", "runbindable", "r", "slav"]),
        [NetworkMode] = (["private", "host", "HOST"], ["bridge", "none", "container:x"]),
        [MemoryLimit] = (["256Mi", "1G", "1", "4096", "9223372036854775807"], ["0", "-1", "256m", "1.5G", "8Ei", "9999999Ti", "99999999999Gi", "1 G", "Mi", "1GB"]),
        [MemoryReservation] = (["128Mi", "1K"], ["0", "-1", "1T1", "18446744073709551616"]),
        [MemorySwap] = (["-1", "512Mi", "2G"], ["-2", "0", "256m", "99999999999Ti"]),
        [Cpus] = (["0.5", "1.5", "4", "0.01"], ["0", "0.000001", "1e3", "1,5", "-1", "99999999999999", "NaN", "Infinity", ".5", "5.", "1_0", "79228162514264337593543950336"]),
        [CpuShares] = (["2", "262144", "1024"], ["1", "262145", "0", "-2"]),
        [CpuQuota] = (["-1", "1", "1000", "9223372036854775807"], ["0", "-2"]),
        [CpuPeriod] = (["1000", "1000000", "100000"], ["999", "1000001", "0"]),
        [CpusetCpus] = (["0-3,5", "0", "0-1", "1,3"], ["3-1", "0-", ",", "0,,1", " 0", "99999999999999999999", "0-3,", "a"]),
        [CpusetMems] = (["0", "0-1"], ["-1", "1-0", "0:1", "4294967296"]),
        [PidsLimit] = (["-1", "1", "100"], ["0", "-2", "9223372036854775808"]),
        [BlockIOWeight] = (["10", "1000", "500"], ["9", "1001", "0"]),
        [BundleFormat] = (["Runc", "Runc;Image", "runc;IMAGE;", "Image;Runc"], ["Oci", ";", "Runc;Imag", "Runc Image", "Image,Runc"]),
        [ImageName] = (["app", "team/app", "registry.example.com:5000/a/b", "a.b_c"], ["App", "app:1", "app@sha256:0", "a//b", "-a", new string('a', 256)]),
    };

    public static readonly string[] BooleanProperties =
        [Terminal, NoNewPrivileges, RootfsReadonly, Privileged, AllowAllDevices, HostIpc, HostPid, UserNamespace, Rootless, GenerateLabels];

    /// <summary>Strings that tend to break parsers and path code.</summary>
    public static readonly string[] Nasty =
    [
        "", " ", "\t", "\0", "a\0b", "..", "../..", "/..", "/", "//", "/a/../b", "/./a", ".", "~", "-", "--",
        "ü", "😀", "\uD800", "a\uDC00b", "\u202E", "\uFEFF", "\r\n", "a;b", "$(X)", "@(X)", "%(X)", "%41", "a%00b", "%3B", "*", "?",
        "-1", "0", "1", "2147483647", "2147483648", "4294967295", "4294967296", "9223372036854775807",
        "9223372036854775808", "18446744073709551615", "18446744073709551616", "-9223372036854775808",
        "1e3", "0x10", "+1", " 1 ", "1.5", "-0", "٣", "１２", "NaN", "null", "true", "[]", "{}", "\"",
        "'", "<", "&amp;", "\\", "C:\\x", "\\\\server\\share", "/proc/self/root", "/dev/null",
    ];
}
