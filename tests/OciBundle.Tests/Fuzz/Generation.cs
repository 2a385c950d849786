using static OciBundle.Request.SurfaceNames;

namespace OciBundle.Tests.Fuzz;

/// <summary>The choices of one request: a clean request takes good values only, a mixed one anything.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
internal sealed class Generation(Random random, bool clean, FuzzInputs inputs)
{
    private static readonly string[] PropertyNames =
        [.. FuzzValues.Properties.Keys, .. FuzzValues.BooleanProperties, BundleArchivePath, SeccompProfile, SeccompProfile];

    public T Pick<T>(params IReadOnlyList<T> values) => values[random.Next(values.Count)];

    public bool Chance(double p) => random.NextDouble() < p;

    /// <summary>A good value, or (in a mixed request) a near miss or junk.</summary>
    public string Text(IReadOnlyList<string> good, IReadOnlyList<string>? miss = null)
    {
        var roll = random.NextDouble();
        if (clean || roll < 0.5)
        {
            return Pick(good);
        }

        return miss is { Count: > 0 } && roll < 0.8 ? Pick(miss) : RandomRequests.Junk(random);
    }

    public (string Name, string Value) Property()
    {
        var name = Pick(PropertyNames);
        if (FuzzValues.Properties.TryGetValue(name, out var pool))
        {
            return (name, Text(pool.Good, pool.Miss));
        }

        if (FuzzValues.BooleanProperties.Contains(name))
        {
            return (name, Text(FuzzValues.Booleans, FuzzValues.BooleanMisses));
        }

        if (name == BundleArchivePath)
        {
            return (name, clean ? Pick("dist/app.bundle.tar.gz", "app.tgz") : Pick(FuzzValues.ArchivePaths));
        }

        // A seccomp profile file: one of the prepared good, odd and broken files.
        return (name, clean ? Pick(inputs.Combine("oci.json"), inputs.Combine("docker.json"), "default") : Pick(inputs.SeccompProfileFiles));
    }

    /// <summary>Metadata: often missing; in a mixed request sometimes malformed or given twice in another case.</summary>
    private void Meta(List<(string, string)> metadata, string name, IReadOnlyList<string> good, IReadOnlyList<string>? miss = null, double present = 0.6)
    {
        if (!Chance(present))
        {
            return;
        }

        metadata.Add((name, Text(good, miss)));
        if (!clean && Chance(0.05))
        {
            metadata.Add((name.ToLowerInvariant(), Text(good, miss)));
        }
    }

    private static readonly string[] Ids = ["0", "1000", "65534", "2147483647"];
    private static readonly string[] IdMisses = ["-1", "2147483648", "4294967295", "4294967296", "1.0", "x"];
    private static readonly string[] Modes = ["0755", "755", "0644", "4755", "1777", "0o750", "0"];
    private static readonly string[] ModeMisses = ["8", "0789", "77777", "07777777", "0o", "0x1ff", "-1", "rwx"];
    private static readonly string[] Absolute = ["/srv", "/var/lib/app", "/a b/ü", "/data"];
    private static readonly string[] AbsoluteMisses = ["srv", "./srv", "/", "/a/../b", "//x", "/x/", "/\0"];

    public GeneratedItem Item(string type)
    {
        var m = new List<(string, string)>();
        string include;
        switch (type)
        {
            case Entrypoint or Args:
                include = Text(["/bin/sh", "-c", "echo hi", "--flag=a b", "ü"]);
                break;
            case EnvironmentVariable:
                include = Text(["PATH", "A", "_x", "GREETING"], ["1A", "A B", "A=B", "a-b", "ü"]);
                Meta(m, "Value", ["", "hello world", "/usr/bin:/bin", "a=b"], ["\0"]);
                break;
            case Rlimit:
                include = Text(["RLIMIT_NOFILE", "nofile", "core", "RLIMIT_NPROC", "Rlimit_As"], ["RLIMIT_", "files", "RLIMIT_NOFILES"]);
                Meta(m, "Soft", ["0", "1024", "unlimited", "18446744073709551615"], ["18446744073709551616", "-1", "Unlimited", "infinity"]);
                Meta(m, "Hard", ["1024", "4096", "unlimited"], ["18446744073709551616", "-1", "1e3"]);
                break;
            case Capability:
                include = Text(["CAP_CHOWN", "net_admin", "sys_admin", "CAP_SYS_PTRACE", "cap_checkpoint_restore"], ["CAP_BOGUS", "CAP_", "chown ", "CAP_CAP_CHOWN"]);
                Meta(m, "Ambient", ["true", "false"], ["yes", "1"], 0.2);
                break;
            case MaskedPath or ReadonlyPath:
                include = Text(["/proc/kcore", "/proc/sys", "/sys/firmware"], AbsoluteMisses);
                break;
            case Namespace:
                include = Text(["pid", "network", "ipc", "uts", "mount", "user", "cgroup", "time", "NET"], ["net", "users", "bogus", "pid "]);
                Meta(m, "Path", ["/proc/1/ns/net", "/var/run/netns/blue"], ["ns/net", "~/x"], 0.2);
                break;
            case Mount:
                include = Text(Absolute.Concat(["/tmp", "/dev/shm", "/proc"]).ToArray(), AbsoluteMisses);
                Meta(m, "Source", ["/srv/data", "tmpfs", "proc", "shm"], ["", "rel/dir"]);
                Meta(m, "Type", ["tmpfs", "bind", "proc", "none"], ["BIND", ""]);
                Meta(m, "Options", ["nosuid,nodev,mode=1777", "ro", "rbind,ro", "size=64k"], [",,", "bind,,rw,", "ro,rw"]);
                Meta(m, "Mode", ["ro", "rw"], ["RO", "readonly", "r"], 0.3);
                break;
            case Device:
                include = Text(["/dev/fuse", "/dev/null", "/dev/kvm", "/dev/net/tun", "/dev/sdb"], ["dev/fuse", "/dev/unknown", "/", "/dev/../etc/x"]);
                Meta(m, "Type", ["c", "b", "u", "p"], ["x", "C", "cb"], 0.4);
                Meta(m, "Major", ["8", "0", "10"], ["-1", "4294967296", "9223372036854775808", "x"], 0.4);
                Meta(m, "Minor", ["16", "0", "229"], ["-1", "4294967296", "1.5"], 0.4);
                Meta(m, "FileMode", Modes, ModeMisses, 0.3);
                Meta(m, "Uid", Ids, IdMisses, 0.2);
                Meta(m, "Gid", Ids, IdMisses, 0.2);
                Meta(m, "Access", ["rwm", "r", "rw", "m"], ["x", "rwmx", "RW", "rr"], 0.3);
                break;
            case UidMapping or GidMapping:
                include = Text(["0", "1", "1000"], ["-1", "x", "4294967296"]);
                Meta(m, "ContainerID", ["0", "1000"], ["-1"], 0.2);
                Meta(m, "HostID", ["100000", "1000", "0"], ["-1", "4294967296", "x"], 0.8);
                Meta(m, "Size", ["1", "65536", "4294967295"], ["0", "-1", "4294967296"], 0.8);
                break;
            case AdditionalGroup:
                include = Text(["0", "27", "staff", "app"], ["4294967295", "9x", "-1", "no group"]);
                break;
            case Hook:
                include = Text(["/usr/local/bin/hook", "/bin/true"], ["hook", "./hook", "/\0"]);
                Meta(m, "Stage", ["prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop", "POSTSTOP"], ["start", "pre-start", ""], 0.9);
                Meta(m, "Args", ["--a b", "\"web 1\" x", "\"\"", "a\\\\b \"q\\\"\""], ["\"unterminated", "a\"b", "\\", "\"\\x\""], 0.4);
                Meta(m, "Env", ["A=b", "A=b;C=d", "EMPTY="], ["noequals", "=x", "A=b;;", ";", "A\0=b"], 0.3);
                Meta(m, "Timeout", ["1", "10", "2147483647"], ["0", "-1", "2147483648", "1.5", "99999999999999999999"], 0.3);
                break;
            case Annotation:
                include = Text(["com.example.team", "a", "x/y"], ["org.opencontainers.image.title", "org.opencontainers.", "ORG.OPENCONTAINERS.x"]);
                Meta(m, "Value", ["payments", "", "ü 😀"], ["\0"]);
                break;
            case Sysctl:
                include = Text(["net.ipv4.ip_forward", "net/core/somaxconn", "kernel.shmmax", "kernel.hostname", "fs.mqueue.msg_max", "net.ipv4.conf.eth-0.forwarding"], ["vm.swappiness", "Net.x", "a..b", ".a", "net.", "net//x", "kernel.hostname.x"]);
                Meta(m, "Value", ["1", "0", "1024"], ["\0"], 0.9);
                break;
            case ImageTag:
                include = Text(["latest", "1.0", "v2_rc-1"], [".x", "-x", "a/b", "a:b", new string('t', 129)]);
                break;
            case Port:
                include = Text(["80", "8080", "65535", "53/udp"], ["0", "65536", "http", "80/sctp", "-1"]);
                Meta(m, "Type", ["tcp", "udp", "UDP"], ["sctp", "", "tcp/udp"], 0.4);
                break;
            case Label:
                include = Text(["com.example.team", "org.opencontainers.image.vendor"], ["", "a\u0001b"]);
                Meta(m, "Value", ["infra", "", "ü 😀"], ["\u0007"], 0.8);
                break;
            case RootfsFile:
                include = clean ? Pick(inputs.Combine("hello.txt"), inputs.Combine("run.sh"), inputs.Combine("tree")) : Text(inputs.RootfsFileSources);
                Meta(m, "TargetPath", ["/bin/x", "/srv/", "/etc/passwd", "/usr/local/bin/run", "/ü/😀"], AbsoluteMisses.Concat(["/srv//", "/proc"]).ToArray(), clean ? 1 : 0.9);
                Meta(m, "Mode", Modes, ModeMisses, 0.3);
                Meta(m, "Uid", Ids, IdMisses, 0.2);
                Meta(m, "Gid", Ids, IdMisses, 0.2);
                break;
            case RootfsDirectory:
                include = Text(Absolute.Concat(["/tmp", "/etc"]).ToArray(), AbsoluteMisses);
                Meta(m, "Mode", Modes, ModeMisses, 0.4);
                Meta(m, "Uid", Ids, IdMisses, 0.2);
                Meta(m, "Gid", Ids, IdMisses, 0.2);
                break;
            default: // RootfsSymlink
                include = Text(["/bin/sh", "/usr/bin/env", "/srv/link"], AbsoluteMisses);
                Meta(m, "LinkTarget", ["busybox", "/bin/busybox", "../x", "a b", new string('l', 300)], ["\0", ""], clean ? 1 : 0.85);
                Meta(m, "Uid", Ids, IdMisses, 0.2);
                Meta(m, "Gid", Ids, IdMisses, 0.2);
                break;
        }

        // Metadata no step reads: it must be ignored.
        if (!clean && Chance(0.05))
        {
            m.Add(("Bogus", RandomRequests.Junk(random)));
        }

        return new GeneratedItem(type, include, m);
    }
}
