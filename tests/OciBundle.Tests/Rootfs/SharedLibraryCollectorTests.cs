using System.Runtime.Versioning;
using OciBundle.Building;
using OciBundle.Diagnostics;
using OciBundle.Rootfs;
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

    private List<Diagnostic> Collect(string sysroot, params string[] libraries)
    {
        var request = new BundleRequest { ProjectDirectory = _temp.Path }
            .With(SurfaceNames.IncludeSharedLibraries, "true")
            .With(SurfaceNames.Sysroot, sysroot)
            .With(SurfaceNames.TargetArchitecture, "amd64");
        foreach (var library in libraries)
        {
            request.WithItem(SurfaceNames.SharedLibrary, library);
        }

        var diagnostics = new DiagnosticBag();
        var reader = new RequestReader(request, diagnostics);
        var plan = SharedLibraryPlan.Read(reader);
        if (plan is not null)
        {
            SharedLibraryCollector.AddTo(_tree, plan, TargetArchitecture.Read(reader), diagnostics);
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
    public void A_sysroot_without_the_libraries_names_the_binary_and_each_library()
    {
        HostFile("/bin/ls", "bin/ls");
        Directory.CreateDirectory(_temp.Combine("empty-sysroot"));

        var found = Collect(_temp.Combine("empty-sysroot"));

        Assert.Contains(found, d => d.Code == "OCIB3052" && d.Message.Contains("'/bin/ls'", StringComparison.Ordinal));
        Assert.Contains(found, d => d.Code == "OCIB3051" && d.Message.Contains("'/bin/ls' needs the shared library 'libc.so.6'", StringComparison.Ordinal));
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
        Assert.Null(SharedLibraryPlan.Read(new RequestReader(request, diagnostics)));
        Assert.Equal(["OCIB1073"], diagnostics.Items.Select(d => d.Code));
    }
}
