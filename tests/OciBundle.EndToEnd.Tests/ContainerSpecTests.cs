using System.Globalization;
using Xunit.Abstractions;

namespace OciBundle.EndToEnd.Tests;

/// <summary>
/// Each property proven by what a process inside a real runc container observes.
/// </summary>
[Collection(SdkFeedCollection.Name)]
public sealed class ContainerSpecTests(SdkFeed feed, ITestOutputHelper output)
{
    private const ulong DockerDefaultCapabilities = 0x00000000a80425fb;

    /// <summary>Builds the probe, runs it in runc, returns its output lines (null when runc cannot run here, outside CI).</summary>
    private string[]? Run(string name, string script, string properties = "", string items = "", params (string, string, bool)[] files)
    {
        var project = Projects.CreateProbe(feed, name, script, properties, items, files);
        project.BuildSucceeds();
        if (!Runc.Usable(output))
        {
            return null;
        }

        var bundle = Runc.Unpack(project.BundleDirectory);
        if (properties.Contains("<OciPrivileged>true", StringComparison.Ordinal))
        {
            // A privileged bundle asks for every capability; runc can grant only those in its own
            // bounding set, and a sandboxed host may lack some. Fit the request to this host.
            Runc.FitCapabilitiesToHost(bundle);
        }

        var run = Runc.Run(bundle);
        output.WriteLine(run.All);
        Assert.True(run.ExitCode == 0, run.All);
        return run.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    private static ulong Mask(string[] lines, string field) =>
        ulong.Parse(lines.Single(l => l.StartsWith(field + ":", StringComparison.Ordinal)).Split('\t', ':')[^1].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    private static ulong AllCapabilitiesOfThisKernel()
    {
        var last = int.Parse(File.ReadAllText("/proc/sys/kernel/cap_last_cap").Trim(), CultureInfo.InvariantCulture);
        return (1UL << (last + 1)) - 1;
    }

    [Fact]
    public void Default_added_removed_and_privileged_capabilities_show_in_proc_status()
    {
        const string script = "grep -E '^Cap(Eff|Bnd|Amb):' /proc/self/status";
        if (Run("caps-default", script) is not { } defaults)
        {
            return;
        }

        Assert.Equal(DockerDefaultCapabilities, Mask(defaults, "CapEff"));
        Assert.Equal(DockerDefaultCapabilities, Mask(defaults, "CapBnd"));

        var changed = Run("caps-changed", script, items: """
            <OciCapability Include="net_admin" Ambient="true" />
            <OciCapability Remove="CAP_NET_RAW" />
            """)!;
        const ulong netAdmin = 1UL << 12, netRaw = 1UL << 13;
        Assert.Equal((DockerDefaultCapabilities | netAdmin) & ~netRaw, Mask(changed, "CapBnd"));
        Assert.Equal(netAdmin, Mask(changed, "CapAmb"));

        var privileged = Run("caps-privileged", script, "<OciPrivileged>true</OciPrivileged>")!;
        Assert.Equal(AllCapabilitiesOfThisKernel() & Runc.HostBoundingSet(), Mask(privileged, "CapEff"));
    }

    [Fact]
    public void A_masked_path_reads_empty_unless_privileged()
    {
        const string script = "echo timer_list=$(wc -c < /proc/timer_list)";
        if (Run("masked", script) is not { } masked)
        {
            return;
        }

        Assert.Contains("timer_list=0", masked);
        var privileged = Run("masked-privileged", script, "<OciPrivileged>true</OciPrivileged>")!;
        Assert.DoesNotContain("timer_list=0", privileged);
    }

    [Fact]
    public void Read_only_and_read_write_binds_and_a_read_only_rootfs()
    {
        var shared = Path.Combine(feed.Root, "bind-rw");
        var readOnly = Path.Combine(feed.Root, "bind-ro");
        Directory.CreateDirectory(shared);
        Directory.CreateDirectory(readOnly);
        File.WriteAllText(Path.Combine(readOnly, "seen.txt"), "from the host\n");
        var script = """
            cat /ro/seen.txt
            touch /ro/new 2>/dev/null && echo ro-write=yes || echo ro-write=no
            echo written-inside > /rw/out.txt && echo rw-write=yes
            touch /root-file 2>/dev/null && echo rootfs-write=yes || echo rootfs-write=no
            """;
        var lines = Run("binds", script, "<OciRootfsReadonly>true</OciRootfsReadonly>", $"""
            <OciMount Include="/ro" Source="{readOnly}" Mode="ro" />
            <OciMount Include="/rw" Source="{shared}" Mode="rw" />
            <OciRootfsDirectory Include="/ro;/rw" />
            """);
        if (lines is null)
        {
            return;
        }

        Assert.Contains("from the host", lines);
        Assert.Contains("ro-write=no", lines);
        Assert.Contains("rw-write=yes", lines);
        Assert.Contains("rootfs-write=no", lines);
        Assert.Equal("written-inside\n", File.ReadAllText(Path.Combine(shared, "out.txt")));
    }

    [Fact]
    public void A_named_user_and_groups_are_resolved_from_the_rootfs()
    {
        var lines = Run(
            "named-user",
            "id",
            "<OciUser>app</OciUser>",
            """
            <OciAdditionalGroup Include="staff" />
            <OciRootfsFile Include="passwd" TargetPath="/etc/passwd" />
            <OciRootfsFile Include="group" TargetPath="/etc/group" />
            """,
            ("passwd", "root:x:0:0:root:/root:/bin/sh\napp:x:1234:2345::/tmp:/bin/sh\n", false),
            ("group", "root:x:0:\napp:x:2345:\nstaff:x:50:app\n", false));
        if (lines is null)
        {
            return;
        }

        // busybox's id lists the supplementary groups only (getgroups), not the primary one.
        Assert.Equal("uid=1234(app) gid=2345(app) groups=50(staff)", Assert.Single(lines));
    }

    [Fact]
    public void Host_network_sees_the_hosts_interfaces_and_private_sees_only_loopback()
    {
        const string script = "ls /sys/class/net | tr '\\n' ' '; echo";
        var hostInterfaces = Directory.GetFileSystemEntries("/sys/class/net").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        if (Run("net-private", script) is not { } privateNet)
        {
            return;
        }

        Assert.Equal("lo", privateNet.Single().Trim());
        var hostNet = Run("net-host", script, "<OciNetworkMode>host</OciNetworkMode><OciRootfsReadonly>true</OciRootfsReadonly>")!;
        Assert.Equal(hostInterfaces, hostNet.Single().Trim().Split(' ').Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_namespace_path_joins_an_existing_namespace()
    {
        // A process of our own in a new ipc namespace holds it open for the container to join.
        using var holder = System.Diagnostics.Process.Start("unshare", ["--ipc", "sleep", "120"]);
        try
        {
            var path = $"/proc/{holder.Id}/ns/ipc";
            string? target = null;
            for (var i = 0; i < 50 && (target = new FileInfo(path).LinkTarget) == new FileInfo("/proc/self/ns/ipc").LinkTarget; i++)
            {
                Thread.Sleep(100); // until unshare has switched namespaces and exec'ed sleep
            }

            const string script = "readlink /proc/self/ns/ipc";
            if (Run("join-ipc", script, items: $"<OciNamespace Include=\"ipc\" Path=\"{path}\" />") is not { } joined)
            {
                return;
            }

            Assert.Equal(target, joined.Single());
            var own = Run("own-ipc", script)!;
            Assert.NotEqual(target, own.Single());
        }
        finally
        {
            holder.Kill();
        }
    }

    [Fact]
    public void A_user_namespace_shows_its_mappings()
    {
        var lines = Run("userns", "cat /proc/self/uid_map /proc/self/gid_map; id -u", "<OciUserNamespace>true</OciUserNamespace>", """
            <OciUidMapping Include="0" HostID="100000" Size="65536" />
            <OciGidMapping Include="0" HostID="100000" Size="65536" />
            """);
        if (lines is null)
        {
            return;
        }

        Assert.Equal(2, lines.Count(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries) is ["0", "100000", "65536"]));
        Assert.Equal("0", lines[^1]);
    }

    [Fact]
    public void A_well_known_device_is_created_and_allowed()
    {
        var lines = Run("device", "stat -c '%F %t:%T' /dev/fuse; head -c 4 /dev/zero | wc -c", items: "<OciDevice Include=\"/dev/fuse\" />");
        if (lines is null)
        {
            return;
        }

        Assert.Equal("character special file a:e5", lines[0]); // 10:229 in hex
        Assert.Equal("4", lines[1].Trim());
    }

    [Fact]
    public void The_default_seccomp_profile_filters_and_unconfined_does_not()
    {
        // Creating a user namespace needs no capability, so only seccomp can refuse it here.
        const string script = "grep '^Seccomp:' /proc/self/status; unshare -U true 2>/dev/null && echo userns=allowed || echo userns=refused";
        if (Run("seccomp-default", script) is not { } filtered)
        {
            return;
        }

        Assert.Contains("Seccomp:\t2", filtered);
        Assert.Contains("userns=refused", filtered);

        var unconfined = Run("seccomp-unconfined", script, "<OciSeccompProfile>unconfined</OciSeccompProfile>")!;
        Assert.Contains("Seccomp:\t0", unconfined);
        Assert.Contains("userns=allowed", unconfined);
    }

    [Fact]
    public void Memory_cpu_and_pids_limits_appear_in_the_containers_cgroups()
    {
        var lines = Run(
            "limits",
            "cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/pids/pids.max /sys/fs/cgroup/cpu/cpu.cfs_quota_us /sys/fs/cgroup/cpu/cpu.cfs_period_us",
            "<OciMemoryLimit>64Mi</OciMemoryLimit><OciPidsLimit>32</OciPidsLimit><OciCpus>0.5</OciCpus>");
        if (lines is null)
        {
            return;
        }

        Assert.Equal(["67108864", "32", "50000", "100000"], lines.Select(l => l.Trim()));
    }

    [Fact]
    public void A_sysctl_is_set_inside_the_containers_namespace()
    {
        var lines = Run("sysctl", "cat /proc/sys/net/ipv4/ip_unprivileged_port_start", items: "<OciSysctl Include=\"net.ipv4.ip_unprivileged_port_start\" Value=\"80\" />");
        if (lines is null)
        {
            return;
        }

        Assert.Equal("80", lines.Single().Trim());
    }
}
