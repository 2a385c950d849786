using System.Runtime.InteropServices;
using OciBundle.Diagnostics;
using OciBundle.Platform;
using OciBundle.Request;
using OciBundle.Seccomp;
using OciBundle.Settings;
using OciBundle.Steps;
using OciBundle.Tests.Building;

namespace OciBundle.Tests.Seccomp;

public class TargetArchitectureTests
{
    private static (TargetArchitecture Architecture, DiagnosticBag Diagnostics) Read(string? property, string? runtimeIdentifier)
    {
        var request = new BundleRequest()
            .With(SurfaceNames.TargetArchitecture, property)
            .With(TargetArchitecture.RuntimeIdentifierProperty, runtimeIdentifier);
        var diagnostics = new DiagnosticBag();
        return (SettingsReader.ReadArchitecture(new RequestReader(request, diagnostics)).Architecture.Value, diagnostics);
    }

    [Theory]
    [InlineData("amd64", "amd64")]
    [InlineData("AMD64", "amd64")]
    [InlineData("x64", "amd64")]
    [InlineData("x86_64", "amd64")]
    [InlineData("arm64", "arm64")]
    [InlineData("aarch64", "arm64")]
    [InlineData("386", "386")]
    [InlineData("arm", "arm")]
    [InlineData("ppc64le", "ppc64le")]
    [InlineData("s390x", "s390x")]
    [InlineData("RISCV64", "riscv64")]
    public void Names_and_aliases_are_read_in_any_case(string given, string name)
    {
        var (architecture, diagnostics) = Read(given, null);
        Assert.Equal(name, architecture.Name);
        Assert.Empty(diagnostics.Items);
    }

    [Theory]
    [InlineData("amd64", 62, new[] { "SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32" })]
    [InlineData("arm64", 183, new[] { "SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM" })]
    [InlineData("386", 3, new[] { "SCMP_ARCH_X86" })]
    [InlineData("arm", 40, new[] { "SCMP_ARCH_ARM" })]
    [InlineData("ppc64le", 21, new[] { "SCMP_ARCH_PPC64LE" })]
    [InlineData("s390x", 22, new[] { "SCMP_ARCH_S390X", "SCMP_ARCH_S390" })]
    [InlineData("riscv64", 243, new[] { "SCMP_ARCH_RISCV64" })]
    public void Each_architecture_knows_its_elf_machine_and_seccomp_architectures(string name, int elfMachine, string[] seccomp)
    {
        Assert.True(TargetArchitecture.TryParse(name, out var architecture));
        Assert.Equal(elfMachine, architecture.ElfMachine);
        Assert.Equal(seccomp, architecture.SeccompArchitectures);
        Assert.All(seccomp, a => Assert.Contains(a, SeccompSchema.Architectures));
    }

    [Fact]
    public void Unknown_name_is_OCIB1040_and_the_nearest_good_name_is_not()
    {
        var (_, bad) = Read("sparc64", null);
        Assert.Equal("OCIB1040", Assert.Single(bad.Items).Code);
        Assert.Contains("'sparc64'", bad.Items[0].Message, StringComparison.Ordinal);
        Assert.Contains("amd64, arm64, 386", bad.Items[0].Message, StringComparison.Ordinal);

        var (_, good) = Read("s390x", null);
        Assert.Empty(good.Items);
    }

    [Theory]
    [InlineData("linux-x64", "amd64")]
    [InlineData("linux-musl-x64", "amd64")]
    [InlineData("linux-arm64", "arm64")]
    [InlineData("linux-musl-arm64", "arm64")]
    [InlineData("linux-arm", "arm")]
    [InlineData("linux-x86", "386")]
    [InlineData("ubuntu.22.04-s390x", "s390x")]
    public void Default_comes_from_the_runtime_identifier(string runtimeIdentifier, string name)
    {
        var (architecture, diagnostics) = Read(null, runtimeIdentifier);
        Assert.Equal(name, architecture.Name);
        Assert.Empty(diagnostics.Items);
    }

    [Fact]
    public void The_property_wins_over_the_runtime_identifier()
    {
        Assert.Equal("arm64", Read("arm64", "linux-x64").Architecture.Name);
    }

    [Fact]
    public void A_runtime_identifier_of_an_unknown_architecture_is_OCIB1044_unless_the_property_is_set()
    {
        var (_, bad) = Read(null, "linux-loongarch64");
        Assert.Equal("OCIB1044", Assert.Single(bad.Items).Code);

        var (architecture, good) = Read("amd64", "linux-loongarch64");
        Assert.Equal("amd64", architecture.Name);
        Assert.Empty(good.Items);
    }

    [Fact]
    public void Without_property_or_runtime_identifier_it_is_the_build_host()
    {
        var (architecture, diagnostics) = Read(null, null);
        Assert.Equal(TargetArchitecture.FromHost(RuntimeInformation.OSArchitecture), architecture);
        Assert.Empty(diagnostics.Items);
    }

    [Theory]
    [InlineData(Architecture.X64, "amd64")]
    [InlineData(Architecture.Arm64, "arm64")]
    [InlineData(Architecture.X86, "386")]
    [InlineData(Architecture.Arm, "arm")]
    [InlineData(Architecture.S390x, "s390x")]
    [InlineData(Architecture.Ppc64le, "ppc64le")]
    [InlineData(Architecture.Wasm, "amd64")]
    public void Host_architectures_map_to_names(Architecture host, string name)
    {
        Assert.Equal(name, TargetArchitecture.FromHost(host).Name);
    }

    [Fact]
    public void A_bad_value_is_reported_once_however_often_it_is_read()
    {
        var request = new BundleRequest().With(SurfaceNames.TargetArchitecture, "vax");
        var diagnostics = new DiagnosticBag();
        // Read once by the settings stage; the seccomp step, the base image and the rootfs checks take that value.
        SpecBuilder.Build(request, diagnostics);
        Assert.Single(diagnostics.Items);
    }

    [Fact]
    public void The_built_in_profile_maps_every_target_to_its_seccomp_architectures()
    {
        foreach (var target in TargetArchitecture.All)
        {
            var rendered = SeccompRenderer.Render(SeccompProfileLoader.Default, target.SeccompTarget, RequestBuilder.DefaultCapabilities);
            Assert.Equal(target.SeccompArchitectures, rendered.Architectures);
        }
    }
}
