using OciBundle.Diagnostics;
using OciBundle.Request;
using OciBundle.Steps;
using OciBundle.Tests.Building;
using OciBundle.Validation;

namespace OciBundle.Tests.Validation;

public class SpecRulesTests
{
    private static IReadOnlyList<string> Codes(BundleRequest request)
    {
        var diagnostics = new DiagnosticBag();
        var reader = new RequestReader(request, diagnostics);
        var built = SpecBuilder.Build(reader);
        var spec = built.Spec;
        SpecRules.Check(built, reader.Diagnostics);
        return diagnostics.Items.Select(d => d.Code).ToList();
    }

    [Fact]
    public void No_command_is_OCIB2001_and_one_is_enough()
    {
        Assert.Equal(["OCIB2001"], Codes(new BundleRequest()));
        Assert.Empty(Codes(new BundleRequest().WithItem(SurfaceNames.Args, "/bin/true")));
    }

    [Fact]
    public void A_hostname_without_a_uts_namespace_is_OCIB2002()
    {
        var request = RequestBuilder.Defaults().With(SurfaceNames.Hostname, "web");
        Assert.Empty(Codes(request));

        var withoutUts = new BundleRequest().WithItem(SurfaceNames.Entrypoint, "/x").WithItem(SurfaceNames.Namespace, "mount");
        Assert.Empty(Codes(withoutUts));
        Assert.Equal(["OCIB2002"], Codes(withoutUts.With(SurfaceNames.Hostname, "web")));
    }

    [Fact]
    public void A_projects_own_duplicate_is_OCIB2005_but_replacing_a_default_is_not()
    {
        Assert.Empty(Codes(RequestBuilder.Defaults().WithItem(SurfaceNames.Mount, "/dev", ("Type", "tmpfs"), ("Source", "tmpfs"))));
        Assert.Equal(["OCIB2005"], Codes(RequestBuilder.Defaults()
            .WithItem(SurfaceNames.Mount, "/data", ("Source", "/a"))
            .WithItem(SurfaceNames.Mount, "/data", ("Source", "/b"))));
        Assert.Equal(["OCIB2005"], Codes(RequestBuilder.Defaults().WithItem(SurfaceNames.Namespace, "cgroup").WithItem(SurfaceNames.Namespace, "CGROUP")));
        Assert.Equal(["OCIB2005"], Codes(RequestBuilder.Defaults().WithItem(SurfaceNames.Rlimit, "nproc", ("Soft", "1")).WithItem(SurfaceNames.Rlimit, "RLIMIT_NPROC", ("Soft", "2"))));
        Assert.Equal(["OCIB2005"], Codes(RequestBuilder.Defaults().WithItem(SurfaceNames.Device, "/dev/fuse").WithItem(SurfaceNames.Device, "/dev/fuse")));
        Assert.Empty(Codes(RequestBuilder.Defaults().WithItem(SurfaceNames.Rlimit, "RLIMIT_NOFILE", ("Soft", "4096"))));
    }

    [Fact]
    public void The_time_namespace_is_OCIB2006()
    {
        Assert.Equal(["OCIB2006"], Codes(RequestBuilder.Defaults().WithItem(SurfaceNames.Namespace, "time")));
        Assert.Empty(Codes(RequestBuilder.Defaults().WithItem(SurfaceNames.Namespace, "cgroup")));
    }

    [Fact]
    public void Masked_paths_without_a_mount_namespace_are_OCIB2007()
    {
        var request = new BundleRequest().WithItem(SurfaceNames.Entrypoint, "/x").WithItem(SurfaceNames.MaskedPath, "/proc/kcore");
        Assert.Equal(["OCIB2007"], Codes(request));
        Assert.Empty(Codes(request.WithItem(SurfaceNames.Namespace, "mount")));
    }

    [Theory]
    [InlineData("/proc/sys/net", "bind", "OCIB2008")]
    [InlineData("/proc/cpuinfo", "bind", null)]
    [InlineData("/proc", "proc", null)]
    [InlineData("/procfs", "bind", null)]
    public void Mounts_into_proc_are_OCIB2008_unless_runc_allows_them(string destination, string type, string? code)
    {
        var codes = Codes(RequestBuilder.Defaults().WithItem(SurfaceNames.Mount, destination, ("Type", type), ("Source", type == "proc" ? "proc" : "/srv/x")));
        Assert.Equal(code, codes.SingleOrDefault());
    }

    [Fact]
    public void An_ambient_capability_outside_permitted_and_inheritable_is_OCIB2009()
    {
        var diagnostics = new DiagnosticBag();
        var request = RequestBuilder.Defaults();
        var built = SpecBuilder.Build(new RequestReader(request, diagnostics));
        var spec = built.Spec;
        spec.Process.Capabilities!.Ambient = ["CAP_NET_ADMIN"];
        SpecRules.CheckAmbientCapabilities(spec, built.Origins, diagnostics);
        Assert.Equal("OCIB2009", Assert.Single(diagnostics.Items).Code);

        var fine = new DiagnosticBag();
        var granted = RequestBuilder.Defaults().WithItem(SurfaceNames.Capability, "net_admin", ("Ambient", "true"));
        var grantedSpec = SpecBuilder.Build(new RequestReader(granted, fine));
        SpecRules.CheckAmbientCapabilities(grantedSpec.Spec, grantedSpec.Origins, fine);
        Assert.Empty(fine.Items);
    }

    [Fact]
    public void Sys_admin_and_writable_sysfs_are_warnings_OCIB2082_and_OCIB2083()
    {
        Assert.Equal(["OCIB2082"], Codes(RequestBuilder.Defaults().WithItem(SurfaceNames.Capability, "sys_admin")));
        Assert.Equal(["OCIB2083"], Codes(RequestBuilder.Defaults().WithItem(SurfaceNames.Mount, "/sys", ("Type", "sysfs"), ("Source", "sysfs"), ("Options", "nosuid,rw"))));
        Assert.Equal(["OCIB2080"], Codes(RequestBuilder.Defaults().With(SurfaceNames.Privileged, "true").WithItem(SurfaceNames.Capability, "sys_admin")));
    }

    [Fact]
    public void The_default_version_holds_the_default_profiles_errno_fields()
    {
        var diagnostics = new DiagnosticBag();
        var spec = SpecBuilder.Build(RequestBuilder.Defaults(), diagnostics);
        Assert.Equal("1.1.0", spec.OciVersion);
        Assert.NotNull(spec.Linux.Seccomp?.DefaultErrnoRet);
        Assert.Empty(Codes(RequestBuilder.Defaults()));
    }

    [Theory]
    [InlineData("1.0.2")]
    [InlineData("1.0.0")]
    public void A_pinned_older_version_with_newer_fields_is_OCIB2010_naming_each_field(string version)
    {
        var diagnostics = new DiagnosticBag();
        var request = RequestBuilder.Defaults().With(SurfaceNames.SpecVersion, version);
        var reader = new RequestReader(request, diagnostics);
        var built = SpecBuilder.Build(reader);
        var spec = built.Spec;
        SpecRules.Check(built, reader.Diagnostics);

        var messages = diagnostics.Items.Select(d => (d.Code, d.Message)).ToList();
        Assert.All(messages, m => Assert.Equal("OCIB2010", m.Code));
        Assert.Contains(messages, m => m.Message.Contains("linux.seccomp.defaultErrnoRet, a field of runtime-spec 1.1.0", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Message.Contains("linux.seccomp.syscalls[].errnoRet, a field of runtime-spec 1.1.0", StringComparison.Ordinal));
        Assert.All(messages, m => Assert.Contains($"OciSpecVersion is '{version}'", m.Message, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("1.1.0")]
    [InlineData("1.1.0-rc.1")]
    [InlineData("1.2.0")]
    public void A_version_with_the_fields_is_clean(string version)
    {
        Assert.Empty(Codes(RequestBuilder.Defaults().With(SurfaceNames.SpecVersion, version)));
    }

    [Fact]
    public void An_older_version_without_newer_fields_is_clean()
    {
        Assert.Equal(["OCIB2090"], Codes(RequestBuilder.Defaults().With(SurfaceNames.SpecVersion, "1.0.2").With(SurfaceNames.SeccompProfile, "unconfined")));
    }

    [Theory]
    [InlineData("1.0.2", "1.0.2")]
    [InlineData("1.1.0-rc.1", "1.1.0")]
    [InlineData("1.0", null)]
    [InlineData("1.0.2.3", null)]
    public void Versions_compare_by_release(string text, string? expected)
    {
        Assert.Equal(expected, SpecVersionRules.Parse(text)?.ToString(3));
    }
}
