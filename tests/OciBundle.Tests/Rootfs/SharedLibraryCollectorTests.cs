using System.Runtime.Versioning;
using OciBundle.Diagnostics;
using OciBundle.Request;
using OciBundle.Rootfs;
using OciBundle.Settings;
using OciBundle.Tests.Support;

namespace OciBundle.Tests.Rootfs;

/// <summary>OciIncludeSharedLibraries on this machine's own programs, with "/" or an empty folder as the sysroot.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class SharedLibraryCollectorTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly RootfsTree _tree = new();

    public void Dispose() => _temp.Dispose();

    private void HostFile(string hostPath, string rootfsPath) =>
        _tree.Add(HostFiles.Describe(new RootfsPlan.PlannedFile(hostPath, rootfsPath, null, 0, 0, "test")));

    private List<Diagnostic> Collect(string sysroot, params string[] libraries) => CollectFor("amd64", sysroot, libraries);

    private List<Diagnostic> CollectFor(string architecture, string sysroot, params string[] libraries)
    {
        var request = new BundleRequest { ProjectDirectory = _temp.Path }
            .With(SurfaceNames.IncludeSharedLibraries, "true")
            .With(SurfaceNames.Sysroot, sysroot)
            .With(SurfaceNames.TargetArchitecture, architecture);
        foreach (var library in libraries)
        {
            request.WithItem(SurfaceNames.SharedLibrary, library);
        }

        var diagnostics = new DiagnosticBag();
        var reader = new RequestReader(request, diagnostics);
        var plan = RootfsPlanReader.ReadSharedLibraries(reader);
        if (plan is not null)
        {
            SharedLibraryCollector.AddTo(_tree, plan, SettingsReader.ReadArchitecture(reader).Architecture.Value, diagnostics);
        }

        return diagnostics.Items.ToList();
    }

    [Fact]
    public void Ls_gets_the_C_library_and_the_loader_with_the_links_to_them()
    {
        HostFile("/bin/ls", "bin/ls");
        var interpreter = OciBundle.ElfFormat.ElfReader.Read("/bin/ls")!.Interpreter!;

        Assert.Empty(Collect("/"));
        Assert.NotNull(_tree.ResolveFile(interpreter)); // /lib64/ld-linux-x86-64.so.2, through its links
        Assert.NotNull(_tree.ResolveFile("/lib/x86_64-linux-gnu/libc.so.6"));
        Assert.Contains(_tree.Sorted(), e => e.Origin.Contains("for /bin/ls", StringComparison.Ordinal));
    }

    [Fact]
    public void A_static_busybox_gets_nothing()
    {
        HostFile("/bin/busybox", "bin/busybox");
        var before = _tree.Count;

        Assert.Empty(Collect("/"));
        Assert.Equal(before, _tree.Count);
    }

    [Fact]
    public void A_sysroot_without_some_libraries_names_the_binary_and_each_library()
    {
        // The sysroot is for amd64 (it has a C library), it only lacks what /bin/ls needs.
        HostFile("/bin/ls", "bin/ls");
        Directory.CreateDirectory(_temp.Combine("sysroot/lib/x86_64-linux-gnu"));
        File.Copy("/lib/x86_64-linux-gnu/libc.so.6", _temp.Combine("sysroot/lib/x86_64-linux-gnu/libc.so.6"));

        var found = Collect(_temp.Combine("sysroot"));

        Assert.Contains(found, d => d.Code == "OCIB3052" && d.Message.Contains("'/bin/ls'", StringComparison.Ordinal));
        Assert.DoesNotContain(found, d => d.Code == "OCIB3063");
        Assert.NotNull(_tree.ResolveFile("/lib/x86_64-linux-gnu/libc.so.6"));
    }

    [Fact]
    public void An_empty_sysroot_is_one_error_that_names_both_fixes()
    {
        HostFile("/bin/ls", "bin/ls");
        HostFile("/bin/cp", "bin/cp");
        Directory.CreateDirectory(_temp.Combine("empty-sysroot"));

        var found = Assert.Single(Collect(_temp.Combine("empty-sysroot"), "libssl.so.3"));

        Assert.Equal("OCIB3063", found.Code);
        Assert.Contains("dpkg --add-architecture amd64", found.Message, StringComparison.Ordinal);
        Assert.Contains("dpkg-deb -x", found.Message, StringComparison.Ordinal);
        Assert.Contains("OciBaseRootfs", found.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("arm64", 183, "arm64")]
    [InlineData("arm", 40, "armhf")]
    public void Programs_of_another_architecture_on_this_machines_sysroot_are_one_error(string architecture, int machine, string debian)
    {
        // /bin/ls with its ELF machine changed: what a cross-published app's native files look like to "/".
        var copy = _temp.Combine("ls-" + architecture);
        File.Copy("/bin/ls", copy);
        using (var stream = File.OpenWrite(copy))
        {
            stream.Position = 18;
            stream.Write([(byte)machine, (byte)(machine >> 8)]);
        }

        HostFile(copy, "app/app");
        HostFile(copy, "app/libSystem.Native.so");

        var found = Assert.Single(CollectFor(architecture, "/"));

        Assert.Equal("OCIB3063", found.Code);
        Assert.Contains($"apt-get download libc6:{debian} libstdc++6:{debian} libgcc-s1:{debian}", found.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_runtimes_tracing_provider_is_not_followed_wherever_it_comes_from()
    {
        // Its liblttng-ust is optional to the runtime; a base rootfs's copy must not fail the build either.
        HostFile("/bin/ls", "usr/share/dotnet/shared/Microsoft.NETCore.App/8.0.0/libcoreclrtraceptprovider.so");

        Directory.CreateDirectory(_temp.Combine("no-libs"));
        Assert.Empty(Collect(_temp.Combine("no-libs")));
    }

    [Fact]
    public void A_listed_library_is_added_by_name_and_a_missing_one_is_an_error()
    {
        var found = Collect("/", "libc.so.6", "libnot-there.so.9");

        Assert.NotNull(_tree.ResolveFile("/lib/x86_64-linux-gnu/libc.so.6"));
        Assert.Equal("OCIB3053", Assert.Single(found).Code);
    }

    [Fact]
    public void Bad_names_a_missing_sysroot_and_items_without_the_switch_are_reported()
    {
        Assert.Equal(["OCIB1072"], Collect("/", "lib/libc.so.6").Select(d => d.Code));
        Assert.Equal(["OCIB3054"], Collect(_temp.Combine("no-such-folder")).Select(d => d.Code));

        var request = new BundleRequest().WithItem(SurfaceNames.SharedLibrary, "libssl.so.3");
        var diagnostics = new DiagnosticBag();
        Assert.Null(RootfsPlanReader.ReadSharedLibraries(new RequestReader(request, diagnostics)));
        Assert.Equal(["OCIB1073"], diagnostics.Items.Select(d => d.Code));
    }
}
