using System.Text.Json.Nodes;
using OciBundle.Diagnostics;
using OciBundle.Platform;
using OciBundle.Request;
using OciBundle.Seccomp;
using OciBundle.Settings;
using OciBundle.Spec;
using OciBundle.Steps;
using OciBundle.Tests.Building;

namespace OciBundle.Tests.Seccomp;

/// <summary>The built-in profile as a project gets it: through SpecBuilder, after CapabilityStep.</summary>
public class DefaultProfileTests
{
    private static RuntimeSpec Build(string architecture, Action<BundleRequest>? change = null)
    {
        var request = RequestBuilder.Defaults().With(SurfaceNames.TargetArchitecture, architecture);
        change?.Invoke(request);
        var diagnostics = new DiagnosticBag();
        var spec = SpecBuilder.Build(request, diagnostics);
        Assert.Empty(diagnostics.Items);
        return spec;
    }

    private static RuntimeSpec WithCapability(string capability) =>
        Build("amd64", r => r.WithItem(SurfaceNames.Capability, capability));

    /// <summary>The rules that name <paramref name="syscall"/>.</summary>
    private static List<SeccompSyscall> Rules(RuntimeSpec spec, string syscall) =>
        spec.Linux.Seccomp!.Syscalls!.Where(s => s.Names.Contains(syscall)).ToList();

    private static bool AllowedWithoutCondition(RuntimeSpec spec, string syscall) =>
        Rules(spec, syscall).Any(r => r.Action == "SCMP_ACT_ALLOW" && r.Args is null);

    [Fact]
    public void The_built_in_profile_passes_its_own_checks()
    {
        var diagnostics = new DiagnosticBag();
        Assert.True(SeccompProfileValidator.Check(SeccompProfileLoader.Default, SeccompProfileLoader.DefaultSource, diagnostics.Add));
        Assert.Empty(diagnostics.Items);
    }

    [Fact]
    public void Default_denies_with_EPERM_and_has_no_flags()
    {
        var seccomp = Build("amd64").Linux.Seccomp!;
        Assert.Equal("SCMP_ACT_ERRNO", seccomp.DefaultAction);
        Assert.Equal(1u, seccomp.DefaultErrnoRet);
        Assert.Null(seccomp.Flags);
        Assert.Null(seccomp.ListenerPath);
    }

    [Fact]
    public void Not_setting_the_property_is_the_default_profile()
    {
        var spec = SpecBuilder.Build(RequestBuilder.Defaults(), new DiagnosticBag());
        var explicitDefault = Build(SettingsReader.ReadArchitecture(new RequestReader(RequestBuilder.Defaults(), new DiagnosticBag())).Architecture.Value.Name, r => r.With(SurfaceNames.SeccompProfile, "Default"));
        Assert.Equal(SpecJson.Serialize(explicitDefault), SpecJson.Serialize(spec));
    }

    [Fact]
    public void Amd64_covers_the_x86_tables_and_allows_arch_prctl()
    {
        var spec = Build("amd64");
        Assert.Equal(["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"], spec.Linux.Seccomp!.Architectures);
        Assert.True(AllowedWithoutCondition(spec, "arch_prctl"));
        Assert.True(AllowedWithoutCondition(spec, "modify_ldt"));
        Assert.False(AllowedWithoutCondition(spec, "set_tls"));
    }

    [Fact]
    public void Arm64_covers_the_arm_tables_and_has_no_arch_prctl()
    {
        var spec = Build("arm64");
        Assert.Equal(["SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM"], spec.Linux.Seccomp!.Architectures);
        Assert.Empty(Rules(spec, "arch_prctl"));
        Assert.Empty(Rules(spec, "modify_ldt"));
        Assert.True(AllowedWithoutCondition(spec, "set_tls"));
        Assert.True(AllowedWithoutCondition(spec, "cacheflush"));
    }

    [Fact]
    public void S390x_checks_clone_flags_in_the_second_argument()
    {
        var clone = Assert.Single(Rules(Build("s390x"), "clone"));
        Assert.Equal(1u, Assert.Single(clone.Args!).Index);
        Assert.Equal(0u, Assert.Single(Assert.Single(Rules(Build("amd64"), "clone")).Args!).Index);
    }

    [Fact]
    public void Without_CAP_SYS_ADMIN_mount_is_absent_clone_cannot_make_namespaces_and_clone3_gives_ENOSYS()
    {
        var spec = Build("amd64");
        foreach (var name in new[] { "mount", "umount2", "unshare", "setns", "sethostname" })
        {
            Assert.Empty(Rules(spec, name));
        }

        var clone = Assert.Single(Rules(spec, "clone"));
        var arg = Assert.Single(clone.Args!);
        Assert.Equal(("SCMP_CMP_MASKED_EQ", 0x7E020000ul, 0ul), (arg.Op, arg.Value, arg.ValueTwo!.Value));
        var clone3 = Assert.Single(Rules(spec, "clone3"));
        Assert.Equal(("SCMP_ACT_ERRNO", 38u), (clone3.Action, clone3.ErrnoRet!.Value));
    }

    [Fact]
    public void CAP_SYS_ADMIN_allows_mount_namespaces_and_clone_whole()
    {
        var spec = WithCapability("CAP_SYS_ADMIN");
        foreach (var name in new[] { "mount", "umount2", "unshare", "setns", "sethostname", "clone", "clone3" })
        {
            Assert.True(AllowedWithoutCondition(spec, name), name);
        }

        Assert.DoesNotContain(Rules(spec, "clone"), r => r.Args is not null);
        Assert.DoesNotContain(Rules(spec, "clone3"), r => r.Action == "SCMP_ACT_ERRNO");
    }

    [Fact]
    public void CAP_SYS_PTRACE_allows_kcmp_and_pidfd_getfd_and_ptrace_is_allowed_for_kernels_from_4_8()
    {
        var without = Build("amd64");
        Assert.Empty(Rules(without, "kcmp"));
        Assert.Empty(Rules(without, "pidfd_getfd"));

        // Docker allows ptrace to every container on kernels from 4.8 (minKernel); the kernel at
        // run time is unknown at build time, and OciBundle assumes a recent one.
        Assert.True(AllowedWithoutCondition(without, "ptrace"));

        var with = WithCapability("sys_ptrace");
        Assert.True(AllowedWithoutCondition(with, "kcmp"));
        Assert.True(AllowedWithoutCondition(with, "pidfd_getfd"));
        Assert.True(AllowedWithoutCondition(with, "process_madvise"));
    }

    [Theory]
    [InlineData("CAP_SYS_MODULE", "init_module")]
    [InlineData("CAP_SYS_BOOT", "reboot")]
    [InlineData("CAP_SYS_TIME", "settimeofday")]
    [InlineData("CAP_SYS_NICE", "mbind")]
    [InlineData("CAP_SYSLOG", "syslog")]
    [InlineData("CAP_SYS_RAWIO", "iopl")]
    [InlineData("CAP_SYS_PACCT", "acct")]
    [InlineData("CAP_SYS_TTY_CONFIG", "vhangup")]
    [InlineData("CAP_BPF", "bpf")]
    [InlineData("CAP_PERFMON", "perf_event_open")]
    [InlineData("CAP_DAC_READ_SEARCH", "open_by_handle_at")]
    public void A_capability_unlocks_its_system_calls(string capability, string syscall)
    {
        Assert.Empty(Rules(Build("amd64"), syscall));
        Assert.True(AllowedWithoutCondition(WithCapability(capability), syscall));
    }

    [Fact]
    public void Chroot_follows_CAP_SYS_CHROOT_which_Docker_grants_by_default()
    {
        Assert.True(AllowedWithoutCondition(Build("amd64"), "chroot"));
        var without = Build("amd64", r => r.WithItems(SurfaceNames.Capability, r.GetItems(SurfaceNames.Capability).Where(i => i.ItemSpec != "CAP_SYS_CHROOT").ToList()));
        Assert.Empty(Rules(without, "chroot"));
    }

    [Fact]
    public void Socket_keeps_out_AF_ALG_and_AF_VSOCK()
    {
        var socket = Rules(Build("amd64"), "socket");
        Assert.Equal([("SCMP_CMP_LT", 38ul), ("SCMP_CMP_EQ", 39ul), ("SCMP_CMP_GT", 40ul)], socket.Select(r => (r.Args![0].Op, r.Args[0].Value)));
    }

    [Fact]
    public void Rendered_config_json_keeps_the_runtime_spec_schema_and_drops_the_template_fields()
    {
        var json = SpecJson.Serialize(Build("amd64"));
        var seccomp = JsonNode.Parse(json)!["linux"]!["seccomp"]!.AsObject();
        Assert.Empty(SeccompSchema.Violations(seccomp));
        var text = seccomp.ToJsonString();
        Assert.DoesNotContain("\"comment\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\"includes\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\"excludes\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\"flags\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_architecture_renders_within_the_schema()
    {
        foreach (var target in TargetArchitecture.All)
        {
            var seccomp = JsonNode.Parse(SpecJson.Serialize(Build(target.Name)))!["linux"]!["seccomp"]!.AsObject();
            Assert.Empty(SeccompSchema.Violations(seccomp));
        }
    }

    [Fact]
    public void Rendering_is_deterministic_and_keeps_the_file_order()
    {
        Assert.Equal(SpecJson.Serialize(Build("amd64")), SpecJson.Serialize(Build("amd64")));
        var first = Build("amd64").Linux.Seccomp!.Syscalls![0];
        Assert.Equal(SeccompProfileLoader.Default.Syscalls![0].Names, first.Names);
    }

    [Fact]
    public void Unconfined_writes_no_seccomp_and_warns_OCIB2090()
    {
        var request = RequestBuilder.Defaults().With(SurfaceNames.SeccompProfile, "Unconfined");
        var diagnostics = new DiagnosticBag();
        var spec = SpecBuilder.Build(request, diagnostics);
        Assert.Null(spec.Linux.Seccomp);
        var warning = Assert.Single(diagnostics.Items);
        Assert.Equal(("OCIB2090", DiagnosticSeverity.Warning), (warning.Code, warning.Severity));
        Assert.DoesNotContain("\"seccomp\"", System.Text.Encoding.UTF8.GetString(SpecJson.Serialize(spec)), StringComparison.Ordinal);
    }

    [Fact]
    public void Privileged_writes_no_seccomp_and_no_seccomp_warning()
    {
        var request = RequestBuilder.Defaults().With(SurfaceNames.Privileged, "true").With(SurfaceNames.SeccompProfile, "unconfined");
        var diagnostics = new DiagnosticBag();
        Assert.Null(SpecBuilder.Build(request, diagnostics).Linux.Seccomp);
        Assert.Equal(["OCIB2080"], diagnostics.Items.Select(d => d.Code)); // only the privileged warning, nothing about seccomp

        Assert.NotNull(SpecBuilder.Build(RequestBuilder.Defaults().With(SurfaceNames.Privileged, "false"), new DiagnosticBag()).Linux.Seccomp);
    }
}
