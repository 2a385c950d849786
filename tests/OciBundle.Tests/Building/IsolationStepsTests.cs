using OciBundle.Diagnostics;
using OciBundle.Request;
using OciBundle.Spec;
using OciBundle.Steps;
using OciBundle.Validation;

namespace OciBundle.Tests.Building;

/// <summary>Privileged, capabilities, devices, host namespaces, user namespaces and rootless.</summary>
public class IsolationStepsTests
{
    private static (RuntimeSpec Spec, DiagnosticBag Diagnostics) Build(BundleRequest request)
    {
        var diagnostics = new DiagnosticBag();
        var reader = new RequestReader(request, diagnostics);
        var built = SpecBuilder.Build(reader);
        var spec = built.Spec;
        SpecRules.Check(built, reader.Diagnostics);
        return (spec, diagnostics);
    }

    private static RuntimeSpec Clean(BundleRequest request)
    {
        var (spec, diagnostics) = Build(request);
        Assert.DoesNotContain(diagnostics.Items, d => d.Severity == OciBundle.Diagnostics.DiagnosticSeverity.Error);
        return spec;
    }

    private static List<string> Codes(BundleRequest request) => Build(request).Diagnostics.Items.Select(d => d.Code).ToList();

    [Fact]
    public void Privileged_grants_everything_and_warns()
    {
        var (spec, diagnostics) = Build(RequestBuilder.Defaults().With(SurfaceNames.Privileged, "true")
            .WithItem(SurfaceNames.MaskedPath, "/proc/kcore").WithItem(SurfaceNames.ReadonlyPath, "/proc/sys"));
        Assert.Equal("OCIB2080", Assert.Single(diagnostics.Items).Code);
        Assert.Equal(LinuxCapabilities.All, spec.Process.Capabilities!.Bounding);
        Assert.Equal(LinuxCapabilities.All, spec.Process.Capabilities.Effective);
        Assert.Null(spec.Linux.MaskedPaths);
        Assert.Null(spec.Linux.ReadonlyPaths);
        Assert.Null(spec.Linux.Seccomp);
        var rule = Assert.Single(spec.Linux.Resources!.Devices!);
        Assert.True(rule.Allow);
        Assert.Null(rule.Type);
        Assert.Equal(["nosuid", "noexec", "nodev", "rw"], spec.Mounts.Single(m => m.Destination == "/sys").Options);
    }

    [Fact]
    public void Not_privileged_by_default()
    {
        var (spec, diagnostics) = Build(RequestBuilder.Defaults().With(SurfaceNames.Privileged, "false"));
        Assert.Empty(diagnostics.Items);
        Assert.Equal(14, spec.Process.Capabilities!.Bounding.Count);
    }

    [Fact]
    public void Ambient_capabilities_are_also_inheritable()
    {
        var spec = Clean(RequestBuilder.Defaults().WithItem(SurfaceNames.Capability, "net_admin", ("Ambient", "true")));
        Assert.Equal(["CAP_NET_ADMIN"], spec.Process.Capabilities!.Ambient);
        Assert.Equal(["CAP_NET_ADMIN"], spec.Process.Capabilities.Inheritable);
        Assert.Contains("CAP_NET_ADMIN", spec.Process.Capabilities.Permitted);
        Assert.Equal(["OCIB1001"], Codes(RequestBuilder.Defaults().WithItem(SurfaceNames.Capability, "net_admin", ("Ambient", "yes"))));
    }

    [Fact]
    public void A_well_known_device_needs_only_its_path()
    {
        var spec = Clean(RequestBuilder.Defaults().WithItem(SurfaceNames.Device, "/dev/fuse"));
        var device = Assert.Single(spec.Linux.Devices!);
        Assert.Equal(("/dev/fuse", "c", 10L, 229L, 0b110_110_110u, 0u, 0u), (device.Path, device.Type, device.Major, device.Minor, device.FileMode!.Value, device.Uid!.Value, device.Gid!.Value));
        var rule = spec.Linux.Resources!.Devices!.Last();
        Assert.Equal((true, "c", 10L, 229L, "rwm"), (rule.Allow, rule.Type, rule.Major, rule.Minor, rule.Access));
    }

    [Fact]
    public void An_explicit_device_keeps_its_numbers_mode_owner_and_access()
    {
        var spec = Clean(RequestBuilder.Defaults().WithItem(SurfaceNames.Device, "/dev/sda", ("Type", "b"), ("Major", "8"), ("Minor", "0"), ("FileMode", "0660"), ("Gid", "6"), ("Access", "r")));
        var device = Assert.Single(spec.Linux.Devices!);
        Assert.Equal(("b", 8L, 0L, 0b110_110_000u, 6u), (device.Type, device.Major, device.Minor, device.FileMode!.Value, device.Gid!.Value));
        Assert.Equal("r", spec.Linux.Resources!.Devices!.Last().Access);
    }

    [Theory]
    [InlineData("/dev/mystery", null, null, null, "OCIB1028")]
    [InlineData("fuse", null, null, null, "OCIB1029")]
    [InlineData("/etc/passwd", null, null, null, "OCIB1029")]
    [InlineData("/dev/x", "x", "1", "1", "OCIB1030")]
    [InlineData("/dev/x", "c", "one", "1", "OCIB1031")]
    [InlineData("/dev/fuse", null, null, null, null)]
    public void Device_errors_are_coded(string path, string? type, string? major, string? minor, string? code)
    {
        var metadata = new List<(string, string)>();
        if (type is not null)
        {
            metadata.Add(("Type", type));
        }

        if (major is not null)
        {
            metadata.AddRange([("Major", major), ("Minor", minor!)]);
        }

        Assert.Equal(code, Codes(RequestBuilder.Defaults().WithItem(SurfaceNames.Device, path, [.. metadata])).SingleOrDefault());
    }

    [Fact]
    public void Bad_device_access_is_OCIB1032()
    {
        Assert.Equal(["OCIB1032"], Codes(RequestBuilder.Defaults().WithItem(SurfaceNames.Device, "/dev/fuse", ("Access", "rwx"))));
    }

    [Fact]
    public void Allow_all_devices_opens_the_device_cgroup()
    {
        var spec = Clean(RequestBuilder.Defaults().With(SurfaceNames.AllowAllDevices, "true"));
        var rule = Assert.Single(spec.Linux.Resources!.Devices!);
        Assert.Equal((true, "rwm"), (rule.Allow, rule.Access));
    }

    [Fact]
    public void Host_network_drops_the_namespace_binds_name_files_and_warns()
    {
        var (spec, diagnostics) = Build(RequestBuilder.Defaults().With(SurfaceNames.NetworkMode, "host"));
        Assert.Equal(["OCIB2081"], diagnostics.Items.Select(d => d.Code));
        Assert.DoesNotContain(spec.Linux.Namespaces, n => n.Type == "network");
        var hosts = Assert.Single(spec.Mounts, m => m.Destination == "/etc/hosts");
        Assert.Equal(("bind", "/etc/hosts"), (hosts.Type, hosts.Source));
        Assert.Equal(["rbind", "ro"], hosts.Options);
        Assert.Single(spec.Mounts, m => m.Destination == "/etc/resolv.conf");
    }

    [Fact]
    public void Private_network_is_the_default_and_other_modes_are_OCIB1033()
    {
        Assert.Contains(Clean(RequestBuilder.Defaults().With(SurfaceNames.NetworkMode, "private")).Linux.Namespaces, n => n.Type == "network");
        Assert.Equal(["OCIB1033"], Codes(RequestBuilder.Defaults().With(SurfaceNames.NetworkMode, "bridge")));
    }

    [Fact]
    public void Host_ipc_and_pid_drop_their_namespaces()
    {
        var (spec, diagnostics) = Build(RequestBuilder.Defaults().With(SurfaceNames.HostIpc, "true").With(SurfaceNames.HostPid, "true"));
        Assert.Equal(["OCIB2081", "OCIB2081"], diagnostics.Items.Select(d => d.Code));
        Assert.Equal(["network", "uts", "mount"], spec.Linux.Namespaces.Select(n => n.Type));
    }

    [Fact]
    public void A_user_namespace_with_mappings()
    {
        var spec = Clean(RequestBuilder.Defaults().With(SurfaceNames.UserNamespace, "true")
            .WithItem(SurfaceNames.UidMapping, "0", ("HostID", "100000"), ("Size", "65536"))
            .WithItem(SurfaceNames.GidMapping, "any", ("ContainerID", "0"), ("HostID", "200000"), ("Size", "1000")));
        Assert.Equal("user", spec.Linux.Namespaces.Last().Type);
        var uid = Assert.Single(spec.Linux.UidMappings!);
        Assert.Equal((0u, 100000u, 65536u), (uid.ContainerID, uid.HostID, uid.Size));
        var gid = Assert.Single(spec.Linux.GidMappings!);
        Assert.Equal((0u, 200000u, 1000u), (gid.ContainerID, gid.HostID, gid.Size));
        Assert.Contains("\"containerID\": 0", System.Text.Encoding.UTF8.GetString(SpecJson.Serialize(spec)));
    }

    [Fact]
    public void User_namespace_rules_are_coded()
    {
        Assert.Equal(["OCIB2004", "OCIB2004"], Codes(RequestBuilder.Defaults().With(SurfaceNames.UserNamespace, "true")));
        Assert.Equal(["OCIB2003"], Codes(RequestBuilder.Defaults().WithItem(SurfaceNames.UidMapping, "0", ("HostID", "1"), ("Size", "1"))));
        Assert.Equal(["OCIB1034"], Codes(RequestBuilder.Defaults().With(SurfaceNames.UserNamespace, "true")
            .WithItem(SurfaceNames.UidMapping, "0", ("HostID", "1"), ("Size", "0"))
            .WithItem(SurfaceNames.GidMapping, "0", ("HostID", "1"), ("Size", "1"))).Where(c => c != "OCIB2004"));
    }

    [Fact]
    public void Rootless_has_the_shape_of_runc_spec_rootless()
    {
        var request = RequestBuilder.Defaults().With(SurfaceNames.Rootless, "true");
        request.WithItem(SurfaceNames.Mount, "/dev/pts", ("Type", "devpts"), ("Source", "devpts"), ("Options", "nosuid,newinstance,mode=0620,gid=5"));
        var spec = Clean(request);

        Assert.Equal(["pid", "ipc", "uts", "mount", "user"], spec.Linux.Namespaces.Select(n => n.Type));
        var uid = Assert.Single(spec.Linux.UidMappings!);
        Assert.Equal((0u, 1u), (uid.ContainerID, uid.Size));
        Assert.Single(spec.Linux.GidMappings!);
        var sys = spec.Mounts.Single(m => m.Destination == "/sys");
        Assert.Equal(("none", "/sys"), (sys.Type, sys.Source));
        Assert.Equal(["rbind", "nosuid", "noexec", "nodev", "ro"], sys.Options);
        Assert.DoesNotContain("gid=5", spec.Mounts.Single(m => m.Destination == "/dev/pts").Options!);
        Assert.Null(spec.Linux.Resources!.Devices);
    }

    [Fact]
    public void Rootless_keeps_mappings_it_is_given()
    {
        var spec = Clean(RequestBuilder.Defaults().With(SurfaceNames.Rootless, "true")
            .WithItem(SurfaceNames.UidMapping, "0", ("HostID", "1000"), ("Size", "1"))
            .WithItem(SurfaceNames.GidMapping, "0", ("HostID", "1000"), ("Size", "1")));
        Assert.Equal(1000u, spec.Linux.UidMappings![0].HostID);
    }

    [Theory]
    [InlineData("app", true)]
    [InlineData("app:staff", true)]
    [InlineData("1000:staff", true)]
    [InlineData("www-data", true)]
    [InlineData("app:", false)]
    [InlineData("9app", false)]
    [InlineData("a b", false)]
    public void User_names_are_accepted_by_syntax(string user, bool ok)
    {
        var codes = Codes(RequestBuilder.Defaults().With(SurfaceNames.User, user));
        Assert.Equal(ok ? [] : ["OCIB1010"], codes);
    }

    [Fact]
    public void Numeric_additional_groups_are_written_and_bad_ones_are_OCIB1035()
    {
        var spec = Clean(RequestBuilder.Defaults().WithItem(SurfaceNames.AdditionalGroup, "10").WithItem(SurfaceNames.AdditionalGroup, "27"));
        Assert.Equal([10u, 27u], spec.Process.User.AdditionalGids);
        Assert.Equal(["OCIB1035"], Codes(RequestBuilder.Defaults().WithItem(SurfaceNames.AdditionalGroup, "-5")));
    }
}
