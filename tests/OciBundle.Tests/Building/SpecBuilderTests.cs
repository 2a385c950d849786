using OciBundle.Diagnostics;
using OciBundle.Request;
using OciBundle.Spec;
using OciBundle.Steps;

namespace OciBundle.Tests.Building;

public class SpecBuilderTests
{
    private static (RuntimeSpec Spec, DiagnosticBag Diagnostics) Build(BundleRequest request)
    {
        var diagnostics = new DiagnosticBag();
        return (SpecBuilder.Build(request, diagnostics), diagnostics);
    }

    private static RuntimeSpec BuildClean(BundleRequest request)
    {
        var (spec, diagnostics) = Build(request);
        Assert.Empty(diagnostics.Items);
        return spec;
    }

    private static string ErrorCode(BundleRequest request)
    {
        var (_, diagnostics) = Build(request);
        return Assert.Single(diagnostics.Items).Code;
    }

    [Fact]
    public void Defaults_are_the_secure_runc_shape()
    {
        var spec = BuildClean(RequestBuilder.Defaults());
        Assert.Equal("1.1.0", spec.OciVersion);
        Assert.Equal("rootfs", spec.Root.Path);
        Assert.False(spec.Root.Readonly);
        Assert.False(spec.Process.Terminal);
        Assert.True(spec.Process.NoNewPrivileges);
        Assert.Equal("/", spec.Process.Cwd);
        Assert.Equal(0u, spec.Process.User.Uid);
        Assert.Equal(0u, spec.Process.User.Gid);
        Assert.Equal(["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"], spec.Process.Env);
        Assert.Equal("app", spec.Hostname);
        Assert.Equal(["pid", "network", "ipc", "uts", "mount"], spec.Linux.Namespaces.Select(n => n.Type));
        var rlimit = Assert.Single(spec.Process.Rlimits!);
        Assert.Equal(("RLIMIT_NOFILE", 1024ul, 1024ul), (rlimit.Type, rlimit.Soft, rlimit.Hard));
    }

    [Fact]
    public void Default_capabilities_go_to_bounding_effective_and_permitted_only()
    {
        var caps = BuildClean(RequestBuilder.Defaults()).Process.Capabilities!;
        Assert.Equal(14, caps.Bounding.Count);
        Assert.Equal(RequestBuilder.DefaultCapabilities, caps.Bounding);
        Assert.Equal(caps.Bounding, caps.Effective);
        Assert.Equal(caps.Bounding, caps.Permitted);
        Assert.Null(caps.Inheritable);
        Assert.Null(caps.Ambient);
    }

    [Theory]
    [InlineData("net_admin", "CAP_NET_ADMIN")]
    [InlineData("Cap_Sys_Time", "CAP_SYS_TIME")]
    [InlineData("CAP_BPF", "CAP_BPF")]
    public void Capability_names_are_canonicalised(string given, string written)
    {
        var spec = BuildClean(new BundleRequest().WithItem(SurfaceNames.Capability, given).WithItem(SurfaceNames.Entrypoint, "/x"));
        Assert.Equal([written], spec.Process.Capabilities!.Bounding);
    }

    [Fact]
    public void Unknown_capability_is_OCIB1012()
    {
        Assert.Equal("OCIB1012", ErrorCode(new BundleRequest().WithItem(SurfaceNames.Capability, "CAP_FLY")));
    }

    [Fact]
    public void Device_cgroup_denies_all_but_the_standard_character_devices()
    {
        var rules = BuildClean(RequestBuilder.Defaults()).Linux.Resources!.Devices!;
        Assert.False(rules[0].Allow);
        Assert.Equal("rwm", rules[0].Access);
        Assert.Null(rules[0].Major);
        var allowed = rules.Skip(1).Select(r => $"{r.Type} {r.Major}:{(r.Minor is { } m ? m.ToString() : "*")} {r.Access}").ToList();
        Assert.Equal(
            ["c 1:3 rwm", "c 1:5 rwm", "c 1:7 rwm", "c 1:8 rwm", "c 1:9 rwm", "c 5:0 rwm", "c 5:1 rwm", "c 5:2 rwm", "c 136:* rwm"],
            allowed);
        Assert.All(rules.Skip(1), r => Assert.True(r.Allow));
    }

    [Fact]
    public void Entrypoint_then_args_make_process_args_in_order()
    {
        var request = RequestBuilder.Defaults().WithItem(SurfaceNames.Entrypoint, "-c").WithItem(SurfaceNames.Args, "echo hi").WithItem(SurfaceNames.Args, "x;y");
        Assert.Equal(["/bin/sh", "-c", "echo hi", "x;y"], BuildClean(request).Process.Args);
    }

    [Fact]
    public void Environment_keeps_PATH_first_and_item_order()
    {
        var request = RequestBuilder.Defaults()
            .WithItem(SurfaceNames.EnvironmentVariable, "B", ("Value", "2"))
            .WithItem(SurfaceNames.EnvironmentVariable, "A", ("Value", "x=y"))
            .WithItem(SurfaceNames.EnvironmentVariable, "EMPTY");
        Assert.Equal(
            ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "B=2", "A=x=y", "EMPTY="],
            BuildClean(request).Process.Env);
    }

    [Fact]
    public void A_user_PATH_replaces_the_default_in_first_place()
    {
        var request = RequestBuilder.Defaults()
            .WithItem(SurfaceNames.EnvironmentVariable, "A", ("Value", "1"))
            .WithItem(SurfaceNames.EnvironmentVariable, "PATH", ("Value", "/opt/bin"));
        Assert.Equal(["PATH=/opt/bin", "A=1"], BuildClean(request).Process.Env);
    }

    [Theory]
    [InlineData("1A")]
    [InlineData("A-B")]
    [InlineData("A B")]
    public void Bad_environment_name_is_OCIB1011(string name)
    {
        Assert.Equal("OCIB1011", ErrorCode(RequestBuilder.Defaults().WithItem(SurfaceNames.EnvironmentVariable, name, ("Value", "1"))));
    }

    [Fact]
    public void Working_directory_is_written_when_absolute()
    {
        Assert.Equal("/srv/app", BuildClean(RequestBuilder.Defaults().With(SurfaceNames.WorkingDirectory, "/srv/app")).Process.Cwd);
    }

    [Fact]
    public void Relative_working_directory_is_OCIB1002()
    {
        Assert.Equal("OCIB1002", ErrorCode(RequestBuilder.Defaults().With(SurfaceNames.WorkingDirectory, "app")));
    }

    [Theory]
    [InlineData("1000", 1000u, 0u)]
    [InlineData("1000:1001", 1000u, 1001u)]
    [InlineData("0:0", 0u, 0u)]
    public void Numeric_user_is_written(string text, uint uid, uint gid)
    {
        var user = BuildClean(RequestBuilder.Defaults().With(SurfaceNames.User, text)).Process.User;
        Assert.Equal((uid, gid), (user.Uid, user.Gid));
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("1:2:3")]
    [InlineData("4294967295")]
    [InlineData("1000:")]
    public void Malformed_user_is_OCIB1010(string text)
    {
        Assert.Equal("OCIB1010", ErrorCode(RequestBuilder.Defaults().With(SurfaceNames.User, text)));
    }

    [Fact]
    public void Hostname_terminal_no_new_privileges_and_readonly_root_follow_their_properties()
    {
        var spec = BuildClean(RequestBuilder.Defaults()
            .With(SurfaceNames.Hostname, "web-1")
            .With(SurfaceNames.Terminal, "true")
            .With(SurfaceNames.NoNewPrivileges, "False")
            .With(SurfaceNames.RootfsReadonly, "TRUE"));
        Assert.Equal("web-1", spec.Hostname);
        Assert.True(spec.Process.Terminal);
        Assert.False(spec.Process.NoNewPrivileges);
        Assert.True(spec.Root.Readonly);
    }

    [Fact]
    public void Non_boolean_is_OCIB1001()
    {
        Assert.Equal("OCIB1001", ErrorCode(RequestBuilder.Defaults().With(SurfaceNames.Terminal, "yes")));
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("a/b")]
    [InlineData("0123456789012345678901234567890123456789012345678901234567890123456789")]
    public void Bad_hostname_is_OCIB1020(string name)
    {
        Assert.Equal("OCIB1020", ErrorCode(RequestBuilder.Defaults().With(SurfaceNames.Hostname, name)));
    }

    [Fact]
    public void Spec_version_can_be_chosen()
    {
        Assert.Equal("1.2.0", BuildClean(RequestBuilder.Defaults().With(SurfaceNames.SpecVersion, "1.2.0")).OciVersion);
    }

    [Fact]
    public void Default_mounts_are_written_with_their_options()
    {
        var mounts = BuildClean(RequestBuilder.Defaults()).Mounts;
        Assert.Equal(["/proc", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue", "/sys", "/sys/fs/cgroup"], mounts.Select(m => m.Destination));
        Assert.Equal(["nosuid", "noexec", "nodev", "ro"], mounts[5].Options);
        Assert.Null(mounts[0].Options);
    }

    [Fact]
    public void A_mount_at_a_default_destination_replaces_it()
    {
        var spec = BuildClean(RequestBuilder.Defaults().WithItem(SurfaceNames.Mount, "/dev", ("Type", "tmpfs"), ("Source", "tmpfs"), ("Options", "size=1m")));
        var dev = Assert.Single(spec.Mounts, m => m.Destination == "/dev");
        Assert.Equal(["size=1m"], dev.Options);
        Assert.Equal(["/proc", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue", "/sys", "/sys/fs/cgroup"], spec.Mounts.Select(m => m.Destination)); // in the default's place, before its children
    }

    [Fact]
    public void A_host_source_without_type_is_an_rbind_with_its_mode()
    {
        var spec = BuildClean(RequestBuilder.Defaults().WithItem(SurfaceNames.Mount, "/data", ("Source", "/srv/data"), ("Mode", "ro")));
        var data = Assert.Single(spec.Mounts, m => m.Destination == "/data");
        Assert.Equal("bind", data.Type);
        Assert.Equal(["rbind", "ro"], data.Options);
    }

    [Fact]
    public void Relative_mount_destination_is_OCIB1013_and_bad_mode_OCIB1021()
    {
        Assert.Equal("OCIB1013", ErrorCode(RequestBuilder.Defaults().WithItem(SurfaceNames.Mount, "data", ("Source", "/srv"))));
        Assert.Equal("OCIB1021", ErrorCode(RequestBuilder.Defaults().WithItem(SurfaceNames.Mount, "/data", ("Source", "/srv"), ("Mode", "rx"))));
    }

    /// <summary>runc mounts type none as a bind only with a bind option; otherwise the kernel says "no such device" (found by runtime-tools).</summary>
    [Theory]
    [InlineData("rw", "OCIB1086")]
    [InlineData(null, "OCIB1086")]
    [InlineData("ro,nosuid", "OCIB1086")]
    [InlineData("rbind,ro", null)]
    [InlineData("bind", null)]
    public void A_none_mount_without_a_bind_option_is_OCIB1086(string? options, string? code)
    {
        (string, string)[] metadata = options is null ? [("Source", "/srv"), ("Type", "none")] : [("Source", "/srv"), ("Type", "none"), ("Options", options)];
        var (_, diagnostics) = Build(RequestBuilder.Defaults().WithItem(SurfaceNames.Mount, "/data", metadata));
        Assert.Equal(code, diagnostics.Items.SingleOrDefault()?.Code);
    }

    [Fact]
    public void Masked_and_readonly_paths_come_from_their_items()
    {
        // The defaults switched off (OciEnableDefaultMaskedPathItems/ReadonlyPathItems=false), then one item each.
        var spec = BuildClean(RequestBuilder.Defaults()
            .WithItems(SurfaceNames.MaskedPath, []).WithItems(SurfaceNames.ReadonlyPath, [])
            .WithItem(SurfaceNames.MaskedPath, "/proc/kcore")
            .WithItem(SurfaceNames.ReadonlyPath, "/proc/sys"));
        Assert.Equal(["/proc/kcore"], spec.Linux.MaskedPaths);
        Assert.Equal(["/proc/sys"], spec.Linux.ReadonlyPaths);
        Assert.Equal("OCIB1015", ErrorCode(RequestBuilder.Defaults().WithItem(SurfaceNames.MaskedPath, "proc/kcore")));
    }

    [Fact]
    public void Unknown_namespace_is_OCIB1014_and_a_path_joins_one()
    {
        Assert.Equal("OCIB1014", ErrorCode(RequestBuilder.Defaults().WithItem(SurfaceNames.Namespace, "net")));
        var spec = BuildClean(RequestBuilder.Defaults().WithItem(SurfaceNames.Namespace, "network", ("Path", "/var/run/netns/x")));
        Assert.Equal("/var/run/netns/x", Assert.Single(spec.Linux.Namespaces, n => n.Type == "network").Path);
    }

    [Theory]
    [InlineData("RLIMIT_NPROC", "10", "20", 10ul, 20ul)]
    [InlineData("nproc", "10", null, 10ul, 10ul)]
    [InlineData("RLIMIT_CORE", null, "unlimited", ulong.MaxValue, ulong.MaxValue)]
    public void Rlimits_are_parsed(string type, string? soft, string? hard, ulong wantSoft, ulong wantHard)
    {
        var metadata = new List<(string, string)>();
        if (soft is not null)
        {
            metadata.Add(("Soft", soft));
        }

        if (hard is not null)
        {
            metadata.Add(("Hard", hard));
        }

        var spec = BuildClean(RequestBuilder.Defaults().WithItem(SurfaceNames.Rlimit, type, [.. metadata]));
        var limit = spec.Process.Rlimits!.Last();
        Assert.Equal((wantSoft, wantHard), (limit.Soft, limit.Hard));
    }

    [Fact]
    public void Rlimit_errors_are_coded()
    {
        Assert.Equal("OCIB1016", ErrorCode(RequestBuilder.Defaults().WithItem(SurfaceNames.Rlimit, "RLIMIT_FOO", ("Soft", "1"))));
        Assert.Equal("OCIB1017", ErrorCode(RequestBuilder.Defaults().WithItem(SurfaceNames.Rlimit, "RLIMIT_NPROC", ("Soft", "ten"))));
        Assert.Equal("OCIB1018", ErrorCode(RequestBuilder.Defaults().WithItem(SurfaceNames.Rlimit, "RLIMIT_NPROC", ("Soft", "20"), ("Hard", "10"))));
    }

    [Fact]
    public void An_rlimit_without_values_is_OCIB1024()
    {
        Assert.Equal("OCIB1024", ErrorCode(RequestBuilder.Defaults().WithItem(SurfaceNames.Rlimit, "RLIMIT_NPROC")));
    }

    [Fact]
    public void Replacing_a_namespace_or_rlimit_keeps_its_place()
    {
        var spec = BuildClean(RequestBuilder.Defaults()
            .WithItem(SurfaceNames.Namespace, "pid", ("Path", "/proc/1/ns/pid"))
            .WithItem(SurfaceNames.Rlimit, "RLIMIT_CORE", ("Soft", "0"))
            .WithItem(SurfaceNames.Rlimit, "RLIMIT_NOFILE", ("Soft", "10")));
        Assert.Equal(("pid", "/proc/1/ns/pid"), (spec.Linux.Namespaces[0].Type, spec.Linux.Namespaces[0].Path));
        Assert.Equal(["RLIMIT_NOFILE", "RLIMIT_CORE"], spec.Process.Rlimits!.Select(r => r.Type));
        Assert.Equal(10ul, spec.Process.Rlimits![0].Soft);
    }

    [Fact]
    public void The_default_hostname_needs_a_uts_namespace()
    {
        var request = new BundleRequest().With(SurfaceNames.BundleName, "app").WithItem(SurfaceNames.Namespace, "pid");
        Assert.Null(BuildClean(request).Hostname);
        Assert.Equal("app", BuildClean(request.WithItem(SurfaceNames.Namespace, "uts")).Hostname);
    }

    [Theory]
    [InlineData("1.0.2", null)]
    [InlineData("1.1.0-rc.1", null)]
    [InlineData("1.0", "OCIB1026")]
    [InlineData("latest", "OCIB1026")]
    public void Spec_version_must_be_a_version(string version, string? code)
    {
        var (_, diagnostics) = Build(RequestBuilder.Defaults().With(SurfaceNames.SpecVersion, version));
        Assert.Equal(code, diagnostics.Items.SingleOrDefault()?.Code);
    }

    [Fact]
    public void A_NUL_in_a_property_is_OCIB1019()
    {
        Assert.Equal("OCIB1019", ErrorCode(RequestBuilder.Defaults().With(SurfaceNames.WorkingDirectory, "/a\0b")));
    }

    [Fact]
    public void Config_json_is_stable_and_uses_spec_names()
    {
        var spec = BuildClean(RequestBuilder.Defaults().With(SurfaceNames.WorkingDirectory, "/grüße"));
        var first = SpecJson.Serialize(spec);
        var second = SpecJson.Serialize(BuildClean(RequestBuilder.Defaults().With(SurfaceNames.WorkingDirectory, "/grüße")));
        Assert.Equal(first, second);
        var text = System.Text.Encoding.UTF8.GetString(first);
        Assert.DoesNotContain("\r", text);
        Assert.EndsWith("}\n", text);
        Assert.Contains("\"ociVersion\": \"1.1.0\"", text);
        Assert.Contains("\"noNewPrivileges\": true", text);
        Assert.Contains("\"cwd\": \"/grüße\"", text);
        Assert.DoesNotContain("null", text);
        Assert.Equal("/grüße", SpecJson.Deserialize(text).Process.Cwd);
    }
}
