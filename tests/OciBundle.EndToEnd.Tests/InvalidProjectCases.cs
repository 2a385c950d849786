namespace OciBundle.EndToEnd.Tests;

/// <summary>
/// The invalid projects <see cref="InvalidProjectTests"/> builds: one per code that a project can
/// trigger, with the value from docs/diagnostics.md where it has one. Codes a project cannot
/// trigger on this machine are left out: OCIB3004 (root reads everything), OCIB3012 (a local file
/// system takes every entry), OCIB5001 (needs .NET Framework MSBuild), OCIB5004 (needs a custom
/// target). OCIB3011 and a project-made OCIB3008 are product bugs, see InvalidProjectTests.
/// </summary>
internal static class InvalidProjectCases
{
    private const string Passwd = "root:x:0:0:root:/root:/bin/sh\n";
    private const string Group = "root:x:0:\n";

    public static readonly IReadOnlyList<InvalidProject> All =
    [
        // Value syntax (OCIB1xxx), in properties and items.
        new("1001-boolean", "OCIB1001") { Properties = "<OciTerminal>yes</OciTerminal>", Needle = "<OciTerminal>" },
        new("1002-cwd-in-directory-build-props", "OCIB1002")
        {
            DirectoryBuildProps = "  <PropertyGroup>\n    <OciWorkingDirectory>app</OciWorkingDirectory>\n  </PropertyGroup>",
            Needle = "<OciWorkingDirectory>",
        },
        new("1003-no-target-path", "OCIB1003") { Items = """<OciRootfsFile Include="hello.sh" />""", Files = [("hello.sh", "echo hello\n")], Needle = "\"hello.sh\"" },
        new("1004-relative-target-path", "OCIB1004") { Items = """<OciRootfsFile Include="tool" TargetPath="bin/tool" />""", Files = [("tool", "x\n")], Needle = "bin/tool" },
        new("1005-relative-directory", "OCIB1005") { Items = """<OciRootfsDirectory Include="tmp" Mode="1777" />""", Needle = "<OciRootfsDirectory" },
        new("1006-symlink-without-target", "OCIB1006") { Items = """<OciRootfsSymlink Include="/bin/sh" />""", Needle = "<OciRootfsSymlink" },
        new("1007-rootfs-format", "OCIB1007") { Properties = "<OciRootfsFormat>zip</OciRootfsFormat>", Needle = "<OciRootfsFormat>" },
        new("1008-compression-level", "OCIB1008") { Properties = "<OciRootfsCompressionLevel>Best</OciRootfsCompressionLevel>", Needle = "<OciRootfsCompressionLevel>" },
        new("1009-source-date-epoch", "OCIB1009") { Properties = "<OciSourceDateEpoch>yesterday</OciSourceDateEpoch>", Needle = "<OciSourceDateEpoch>" },
        new("1010-user", "OCIB1010") { Properties = "<OciUser>app:</OciUser>", Needle = "<OciUser>" },
        new("1011-environment-name", "OCIB1011") { Items = """<OciEnvironmentVariable Include="LOG-LEVEL" Value="debug" />""", Needle = "LOG-LEVEL" },
        new("1012-capability-in-directory-build-props", "OCIB1012")
        {
            DirectoryBuildProps = "  <ItemGroup>\n    <OciCapability Include=\"CAP_NET_BIND\" />\n  </ItemGroup>",
            Needle = "CAP_NET_BIND",
        },
        new("1013-mount-destination", "OCIB1013") { Items = """<OciMount Include="data" Source="/srv/app-data" />""", Needle = "<OciMount" },
        new("1014-namespace", "OCIB1014") { Items = """<OciNamespace Include="net" />""", Needle = "<OciNamespace" },
        new("1015-masked-path", "OCIB1015") { Items = """<OciMaskedPath Include="proc/kcore" />""", Needle = "<OciMaskedPath" },
        new("1016-rlimit-name", "OCIB1016") { Items = """<OciRlimit Include="RLIMIT_FILES" Soft="4096" />""", Needle = "RLIMIT_FILES" },
        new("1017-rlimit-value", "OCIB1017") { Items = """<OciRlimit Include="RLIMIT_CORE" Soft="4k" Hard="8192" />""", Needle = "RLIMIT_CORE" },
        new("1018-rlimit-soft-above-hard", "OCIB1018") { Items = """<OciRlimit Include="core" Soft="8192" Hard="4096" />""", Needle = "\"core\"" },
        new("1019-nul-byte", "OCIB1019") { Items = """<OciArgs Include="a%00b" />""", Needle = "<OciArgs" },
        new("1020-hostname", "OCIB1020") { Properties = "<OciHostname>my app</OciHostname>", Needle = "<OciHostname>" },
        new("1021-mount-mode", "OCIB1021") { Items = """<OciMount Include="/data" Source="/srv/app-data" Mode="readonly" />""", Needle = "<OciMount" },
        new("1022-file-mode", "OCIB1022") { Items = """<OciRootfsFile Include="run.sh" TargetPath="/run.sh" Mode="rwxr-xr-x" />""", Files = [("run.sh", "echo\n")], Needle = "rwxr-xr-x" },
        new("1023-owner-id", "OCIB1023") { Items = """<OciRootfsDirectory Include="/var/lib/app" Uid="app" />""", Needle = "<OciRootfsDirectory" },
        new("1024-rlimit-without-values", "OCIB1024") { Items = """<OciRlimit Include="RLIMIT_NPROC" />""", Needle = "<OciRlimit" },
        new("1025-dot-dot-in-rootfs-path", "OCIB1025") { Items = """<OciRootfsFile Include="app.conf" TargetPath="/etc/../app.conf" />""", Files = [("app.conf", "x=1\n")], Needle = "/etc/../app.conf" },
        new("1026-spec-version", "OCIB1026") { Properties = "<OciSpecVersion>1.1</OciSpecVersion>", Needle = "<OciSpecVersion>" },
        new("1027-mode-on-folder", "OCIB1027") { Items = """<OciRootfsFile Include="wwwroot" TargetPath="/srv/wwwroot" Mode="0644" />""", Files = [("wwwroot/index.html", "<p/>\n")], Needle = "\"wwwroot\"" },
        new("1028-unknown-device", "OCIB1028") { Items = """<OciDevice Include="/dev/dri/card0" />""", Needle = "<OciDevice" },
        new("1029-device-path", "OCIB1029") { Items = """<OciDevice Include="fuse" />""", Needle = "<OciDevice" },
        new("1030-device-type", "OCIB1030") { Items = """<OciDevice Include="/dev/sdb" Type="block" Major="8" Minor="16" />""", Needle = "<OciDevice" },
        new("1031-device-number", "OCIB1031") { Items = """<OciDevice Include="/dev/sdb" Type="b" Major="eight" Minor="16" />""", Needle = "<OciDevice" },
        new("1032-device-access", "OCIB1032") { Items = """<OciDevice Include="/dev/fuse" Access="rwx" />""", Needle = "<OciDevice" },
        new("1033-network-mode", "OCIB1033") { Properties = "<OciNetworkMode>bridge</OciNetworkMode>", Needle = "<OciNetworkMode>" },
        new("1034-id-mapping", "OCIB1034")
        {
            Properties = "<OciUserNamespace>true</OciUserNamespace>",
            Items = """
                <OciUidMapping Include="0" HostID="100000" />
                <OciGidMapping Include="0" HostID="100000" Size="65536" />
                """,
            Needle = "<OciUidMapping",
        },
        new("1035-group", "OCIB1035") { Items = """<OciAdditionalGroup Include="-5" />""", Needle = "<OciAdditionalGroup" },
        new("1040-target-architecture", "OCIB1040") { Properties = "<OciTargetArchitecture>sparc64</OciTargetArchitecture>", Needle = "<OciTargetArchitecture>" },
        new("1041-seccomp-action", "OCIB1041") { Properties = Seccomp, Files = [("seccomp.json", Profile("""{ "names": ["ptrace"], "action": "SCMP_ACT_DENY" }"""))], Needle = "\"SCMP_ACT_DENY\"" },
        new("1042-seccomp-architecture", "OCIB1042")
        {
            Properties = Seccomp,
            Files = [("seccomp.json", "{\n  \"defaultAction\": \"SCMP_ACT_ERRNO\",\n  \"architectures\": [\"SCMP_ARCH_X86_64\", \"SCMP_ARCH_I386\"],\n  \"syscalls\": []\n}\n")],
            Needle = "\"SCMP_ARCH_I386\"",
        },
        new("1043-seccomp-operator", "OCIB1043")
        {
            Properties = Seccomp,
            Files = [("seccomp.json", Profile("""{ "names": ["personality"], "action": "SCMP_ACT_ALLOW", "args": [{ "index": 0, "value": 8, "op": "SCMP_CMP_EQUAL" }] }"""))],
            Needle = "\"SCMP_CMP_EQUAL\"",
        },
        new("1044-runtime-identifier", "OCIB1044") { Properties = "<RuntimeIdentifier>linux-loongarch64</RuntimeIdentifier>", Needle = "<RuntimeIdentifier>" },
        new("1045-seccomp-flag", "OCIB1045")
        {
            Properties = Seccomp,
            Files = [("seccomp.json", "{\n  \"defaultAction\": \"SCMP_ACT_ERRNO\",\n  \"flags\": [\"SECCOMP_FILTER_FLAG_FAST\"],\n  \"syscalls\": []\n}\n")],
            Needle = "\"SECCOMP_FILTER_FLAG_FAST\"",
        },
        new("1046-seccomp-capability", "OCIB1046")
        {
            Properties = Seccomp,
            Files = [("seccomp.json", Profile("""{ "names": ["mount"], "action": "SCMP_ACT_ALLOW", "includes": { "caps": ["CAP_SYS_ADMN"] } }"""))],
            Needle = "\"CAP_SYS_ADMN\"",
        },
        new("1050-byte-size", "OCIB1050") { Properties = "<OciMemoryLimit>256MB</OciMemoryLimit>", Needle = "<OciMemoryLimit>" },
        new("1051-swap-size", "OCIB1051") { Properties = "<OciMemorySwap>0</OciMemorySwap>", Needle = "<OciMemorySwap>" },
        new("1052-cpus", "OCIB1052") { Properties = "<OciCpus>1,5</OciCpus>", Needle = "<OciCpus>" },
        new("1053-cpu-shares", "OCIB1053") { Properties = "<OciCpuShares>1</OciCpuShares>", Needle = "<OciCpuShares>" },
        new("1054-pids-limit", "OCIB1054") { Properties = "<OciPidsLimit>0</OciPidsLimit>", Needle = "<OciPidsLimit>" },
        new("1055-cpu-period", "OCIB1055") { Properties = "<OciCpuPeriod>100</OciCpuPeriod>", Needle = "<OciCpuPeriod>" },
        new("1056-cpuset", "OCIB1056") { Properties = "<OciCpusetCpus>3-1</OciCpusetCpus>", Needle = "<OciCpusetCpus>" },
        new("1057-blkio-weight", "OCIB1057") { Properties = "<OciBlockIOWeight>5</OciBlockIOWeight>", Needle = "<OciBlockIOWeight>" },
        new("1058-sysctl-key", "OCIB1058") { Items = """<OciSysctl Include="Net.IPv4.ip_forward" Value="1" />""", Needle = "<OciSysctl" },
        new("1059-sysctl-without-value", "OCIB1059") { Items = """<OciSysctl Include="net.ipv4.ip_forward" />""", Needle = "<OciSysctl" },
        new("1060-annotation-key", "OCIB1060") { Items = """<OciAnnotation Include="org.opencontainers.image.version" Value="1.2" />""", Needle = "<OciAnnotation" },
        new("1061-hook-path", "OCIB1061") { Items = """<OciHook Include="hooks/setup.sh" Stage="createRuntime" />""", Needle = "<OciHook" },
        new("1062-hook-stage", "OCIB1062") { Items = """<OciHook Include="/usr/local/bin/cleanup" Stage="poststopped" />""", Needle = "<OciHook" },
        new("1063-hook-timeout", "OCIB1063") { Items = """<OciHook Include="/usr/local/bin/cleanup" Stage="poststop" Timeout="0" />""", Needle = "<OciHook" },
        new("1064-hook-args", "OCIB1064") { Items = """<OciHook Include="/usr/bin/logger" Stage="poststop" Args='-t "my hook' />""", Needle = "<OciHook" },
        new("1065-hook-env", "OCIB1065") { Items = """<OciHook Include="/usr/local/bin/setup" Stage="createRuntime" Env="DEBUG" />""", Needle = "<OciHook" },
        new("1066-umask-overriding-directory-build-props", "OCIB1066")
        {
            // Directory.Build.props sets a good value and the project a bad one: the error points at
            // the element that wins, the last one, in the project.
            DirectoryBuildProps = "  <PropertyGroup>\n    <OciUmask>0022</OciUmask>\n  </PropertyGroup>",
            Properties = "<OciUmask>0o1022</OciUmask>",
            Needle = "0o1022",
        },
        new("1067-oom-score-adj", "OCIB1067") { Properties = "<OciOomScoreAdj>2000</OciOomScoreAdj>", Needle = "<OciOomScoreAdj>" },
        new("1068-rootfs-propagation", "OCIB1068") { Properties = "<OciRootfsPropagation>shard</OciRootfsPropagation>", Needle = "<OciRootfsPropagation>" },
        new("1069-recursive-propagation-in-directory-build-props", "OCIB1069")
        {
            DirectoryBuildProps = "  <PropertyGroup>\n    <OciRootfsPropagation>rshared</OciRootfsPropagation>\n  </PropertyGroup>",
            Needle = "<OciRootfsPropagation>",
        },
        new("1110-image-name", "OCIB1110") { Properties = "<OciBundleFormat>Runc;Image</OciBundleFormat>\n    <OciImageName>MyApp:1.0</OciImageName>", Needle = "<OciImageName>" },
        new("1111-image-tag", "OCIB1111") { Properties = "<OciBundleFormat>Image</OciBundleFormat>", Items = """<OciImageTag Include="-nightly" />""", Needle = "<OciImageTag" },
        new("1112-port", "OCIB1112") { Properties = "<OciBundleFormat>Image</OciBundleFormat>", Items = """<OciPort Include="http" />""", Needle = "<OciPort" },
        new("1113-port-type", "OCIB1113") { Properties = "<OciBundleFormat>Image</OciBundleFormat>", Items = """<OciPort Include="9000" Type="sctp" />""", Needle = "<OciPort" },
        new("1114-label-value", "OCIB1114") { Properties = "<OciBundleFormat>Image</OciBundleFormat>", Items = """<OciLabel Include="com.example.build" Value="a%01b" />""", Needle = "<OciLabel" },

        // Spec semantics (OCIB2xxx).
        new("2001-no-command", "OCIB2001") { Entrypoint = false },
        new("2002-hostname-without-uts", "OCIB2002") { Properties = "<OciHostname>web</OciHostname>", Items = """<OciNamespace Remove="uts" />""", Needle = "<OciHostname>" },
        new("2003-mapping-without-user-namespace", "OCIB2003") { Items = """<OciUidMapping Include="0" HostID="100000" Size="65536" />""", Needle = "<OciUidMapping" },
        new("2004-user-namespace-without-mapping", "OCIB2004") { Properties = "<OciUserNamespace>true</OciUserNamespace>", Needle = "<OciUserNamespace>" },
        new("1086-none-mount-without-bind", "OCIB1086") { Items = """<OciMount Include="/data" Source="/srv/data" Type="none" Options="rw" />""", Needle = "<OciMount" },
        new("2010-spec-version-older-than-its-fields", "OCIB2010") { Properties = "<OciSpecVersion>1.0.2</OciSpecVersion>", Needle = "<OciSpecVersion>" },
        new("2050-swap-below-limit", "OCIB2050") { Properties = "<OciMemoryLimit>1Gi</OciMemoryLimit>\n<OciMemorySwap>512Mi</OciMemorySwap>", Needle = "<OciMemorySwap>" },
        new("2051-reservation-above-limit", "OCIB2051") { Properties = "<OciMemoryLimit>256Mi</OciMemoryLimit>\n<OciMemoryReservation>512Mi</OciMemoryReservation>", Needle = "<OciMemoryReservation>" },
        new("2052-cpus-and-quota", "OCIB2052") { Properties = "<OciCpus>1.5</OciCpus>\n<OciCpuQuota>50000</OciCpuQuota>", Needle = "<OciCpuQuota>" },
        new("2053-sysctl-needs-namespace", "OCIB2053") { Items = "<OciNamespace Remove=\"network\" />\n<OciSysctl Include=\"net.ipv4.ip_forward\" Value=\"1\" />", Needle = "<OciSysctl" },
        new("2054-sysctl-not-namespaced", "OCIB2054") { Items = """<OciSysctl Include="vm.swappiness" Value="10" />""", Needle = "<OciSysctl" },
        new("2055-swap-without-limit", "OCIB2055") { Properties = "<OciMemorySwap>1Gi</OciMemorySwap>", Needle = "<OciMemorySwap>" },

        // Root filesystem (OCIB3xxx). Problems found while reading an input have no element: they
        // name the project file alone (docs/diagnostics.md, "Where the error points").
        new("3001-base-missing", "OCIB3001") { Properties = "<OciBaseRootfs>images/missing.tar.gz</OciBaseRootfs>", Needle = "<OciBaseRootfs>" },
        new("3002-base-unsupported", "OCIB3002") { Properties = "<OciBaseRootfs>images/rootfs.zip</OciBaseRootfs>", Files = [("images/rootfs.zip", "PK")], Needle = "<OciBaseRootfs>" },
        new("3003-archive-entry-with-dot-dot", "OCIB3003")
        {
            Properties = "<OciBaseRootfs>base.tar</OciBaseRootfs>",
            Setup = dir => TarFiles.Write(Path.Combine(dir, "base.tar"), TarFiles.Folder("etc/"), TarFiles.Text("../escape", "out\n")),
        },
        new("3003-archive-entry-absolute", "OCIB3003")
        {
            Properties = "<OciBaseRootfs>base.tar.gz</OciBaseRootfs>",
            Setup = dir => TarFiles.Write(Path.Combine(dir, "base.tar.gz"), TarFiles.Text("/etc/cron.d/job", "* * * * * root true\n")),
        },
        new("3005-corrupt-archive", "OCIB3005") { Properties = "<OciBaseRootfs>base.tar.gz</OciBaseRootfs>", Files = [("base.tar.gz", "this is not gzip\n")] },
        new("3006-rootfs-file-missing", "OCIB3006") { Items = """<OciRootfsFile Include="bin/tool" TargetPath="/usr/local/bin/tool" />""", Needle = "bin/tool" },
        new("3008-file-below-base-symlink", "OCIB3008")
        {
            // A merged-/usr base folder, where /lib is a link to usr/lib.
            Properties = "<OciBaseRootfs>base</OciBaseRootfs>",
            Items = """<OciRootfsFile Include="libfoo.so" TargetPath="/lib/libfoo.so" />""",
            Files = [("libfoo.so", "ELF\n"), ("base/usr/lib/libc.so", "ELF\n")],
            Setup = dir => File.CreateSymbolicLink(Path.Combine(dir, "base", "lib"), "usr/lib"),
        },
        new("3009-hard-link-to-nothing", "OCIB3009")
        {
            Properties = "<OciBaseRootfs>base.tar</OciBaseRootfs>",
            Setup = dir => TarFiles.Write(Path.Combine(dir, "base.tar"), TarFiles.Folder("usr/bin/"), TarFiles.HardLink("usr/bin/vi", "usr/bin/vim.basic")),
        },
        new("3013-user-not-in-passwd", "OCIB3013")
        {
            Properties = "<OciUser>app</OciUser>",
            Items = """<OciRootfsFile Include="passwd" TargetPath="/etc/passwd" />""",
            Files = [("passwd", Passwd)],
            Needle = "<OciUser>",
        },
        new("3014-group-not-in-group-file", "OCIB3014")
        {
            Items = "<OciRootfsFile Include=\"passwd\" TargetPath=\"/etc/passwd\" />\n<OciRootfsFile Include=\"group\" TargetPath=\"/etc/group\" />\n<OciAdditionalGroup Include=\"wheel\" />",
            Files = [("passwd", Passwd), ("group", Group)],
            Needle = "<OciAdditionalGroup",
        },
        new("3015-no-passwd", "OCIB3015") { Properties = "<OciUser>app</OciUser>", Needle = "<OciUser>" },
        new("3040-seccomp-json-syntax", "OCIB3040")
        {
            // The missing ',' before "action": the error points into the JSON file, not the project.
            Properties = Seccomp,
            Files = [("seccomp.json", Profile("""{ "names": ["getpid"] "action": "SCMP_ACT_LOG" }"""))],
            Needle = "\"action\": \"SCMP_ACT_LOG\"",
        },
        new("3041-seccomp-file-missing", "OCIB3041") { Properties = "<OciSeccompProfile>seccomp.jsn</OciSeccompProfile>", Needle = "<OciSeccompProfile>" },
        new("3042-seccomp-not-a-profile", "OCIB3042")
        {
            Properties = Seccomp,
            // The error is at the misspelt field's value; a second one says defaultAction is missing.
            Files = [("seccomp.json", "{\n  \"defaultAcion\": \"SCMP_ACT_ERRNO\",\n  \"syscalls\": []\n}\n")],
            Needle = "\"SCMP_ACT_ERRNO\"",
        },

        // Hostile values and input files (issue 10): refused before anything is opened, never a hang.
        new("1025-fault-mount-dot-dot", "OCIB1025") { Items = """<OciMount Include="/../../etc" Source="/srv" />""", Needle = "/../../etc" },
        new("1036-fault-relative-bind-source", "OCIB1036") { Items = """<OciMount Include="/data" Source="./data" />""", Needle = "./data" },
        new("3030-fault-fifo-rootfs-file", "OCIB3030")
        {
            Items = """<OciRootfsFile Include="pipe" TargetPath="/pipe" />""",
            Setup = dir => MakeFifo(Path.Combine(dir, "pipe")),
            Needle = "\"pipe\"",
        },
        new("3031-fault-seccomp-over-the-cap", "OCIB3031")
        {
            Properties = Seccomp,
            Setup = dir => File.WriteAllText(Path.Combine(dir, "seccomp.json"), "[" + new string(' ', 5 << 20) + "]"),
            Needle = "<OciSeccompProfile>",
        },
        new("3032-fault-dangling-link-in-a-glob", "OCIB3032")
        {
            // A glob's items point at the first OciRootfsFile element of the file: this one alone.
            Entrypoint = false,
            Items = """<OciRootfsFile Include="links/*" TargetPath="/links/" />""",
            Setup = dir =>
            {
                Directory.CreateDirectory(Path.Combine(dir, "links"));
                File.CreateSymbolicLink(Path.Combine(dir, "links", "dangling"), "nowhere");
            },
            Needle = "links/*",
        },
        new("3041-fault-seccomp-fifo", "OCIB3041")
        {
            Properties = "<OciSeccompProfile>pipe.json</OciSeccompProfile>",
            Setup = dir => MakeFifo(Path.Combine(dir, "pipe.json")),
            Needle = "<OciSeccompProfile>",
        },
        new("3041-fault-seccomp-dev-zero", "OCIB3041") { Properties = "<OciSeccompProfile>/dev/zero</OciSeccompProfile>", Needle = "<OciSeccompProfile>" },

        // Outputs (OCIB5xxx).
        new("5002-output-below-a-file", "OCIB5002")
        {
            Properties = "<OciBundleOutputPath>blocker/out/</OciBundleOutputPath>",
            Files = [("blocker", "a file where the output folder's parent should be\n")],
            BundleFolder = "blocker/out",
        },
        new("5003-archive-inside-bundle", "OCIB5003")
        {
            Properties = "<OciBundleOutputPath>out/</OciBundleOutputPath>\n<OciBundleArchivePath>out/app.bundle.tar.gz</OciBundleArchivePath>",
            Needle = "<OciBundleArchivePath>",
            BundleFolder = "out",
        },
    ];

    private const string Seccomp = "<OciSeccompProfile>seccomp.json</OciSeccompProfile>";

    private static void MakeFifo(string path)
    {
        var made = ProcessResult.Run("mkfifo", [path]);
        Assert.True(made.ExitCode == 0, made.All);
    }

    /// <summary>An OCI-form profile with <paramref name="rule"/> on a line of its own, after a good rule.</summary>
    private static string Profile(string rule) => $$"""
        {
          "defaultAction": "SCMP_ACT_ERRNO",
          "syscalls": [
            { "names": ["read", "write", "exit_group"], "action": "SCMP_ACT_ALLOW" },
            {{rule}}
          ]
        }

        """;
}
