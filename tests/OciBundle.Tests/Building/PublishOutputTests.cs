using System.Runtime.Versioning;
using OciBundle.Diagnostics;
using OciBundle.Request;
using OciBundle.Rootfs;
using OciBundle.Settings;
using OciBundle.Steps;
using OciBundle.Tests.Support;
using OciBundle.Validation;

namespace OciBundle.Tests.Building;

/// <summary>A .NET app's publish output: where it goes, the entrypoint and working directory it implies, and the runtime it needs.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class PublishOutputTests : IDisposable
{
    private const string FrameworkDependent = """{ "runtimeOptions": { "tfm": "net10.0", "framework": { "name": "Microsoft.NETCore.App", "version": "10.0.0" } } }""";
    private const string SelfContained = """{ "runtimeOptions": { "tfm": "net10.0", "includedFrameworks": [ { "name": "Microsoft.NETCore.App", "version": "10.0.12" } ] } }""";
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>A request for the app 'hello' whose publish produced <paramref name="files"/> (relative path, content).</summary>
    private BundleRequest App(params (string RelativePath, string Content)[] files)
    {
        var request = new BundleRequest { ProjectDirectory = _temp.Path }
            .With(SurfaceNames.IncludePublishOutput, "true")
            .With(PublishOutput.AssemblyNameProperty, "hello")
            .With(PublishOutput.TargetFileNameProperty, "hello.dll");
        foreach (var (relative, content) in files)
        {
            var host = _temp.Combine("publish", relative);
            Directory.CreateDirectory(Path.GetDirectoryName(host)!);
            File.WriteAllText(host, content);
            request.WithItem(PublishOutput.FileItemType, host, ("RelativePath", relative));
        }

        return request;
    }

    private static (Spec.RuntimeSpec Spec, DiagnosticBag Diagnostics) Build(BundleRequest request)
    {
        var diagnostics = new DiagnosticBag();
        return (SpecBuilder.Build(request, diagnostics), diagnostics);
    }

    [Fact]
    public void The_apphost_is_the_entrypoint_and_the_app_folder_the_working_directory()
    {
        var (spec, diagnostics) = Build(App(("hello", "apphost"), ("hello.dll", ""), ("runtimes/linux-x64/native/libx.so", "")).WithItem(SurfaceNames.Args, "world"));

        Assert.Empty(diagnostics.Items);
        Assert.Equal(["/app/hello", "world"], spec.Process.Args);
        Assert.Equal("/app", spec.Process.Cwd);
    }

    [Fact]
    public void Without_an_apphost_dotnet_runs_the_dll_and_the_folder_can_be_moved()
    {
        var (spec, _) = Build(App(("hello.dll", "")).With(SurfaceNames.AppDirectory, "/srv/hello/"));

        Assert.Equal(["dotnet", "/srv/hello/hello.dll"], spec.Process.Args);
        Assert.Equal("/srv/hello", spec.Process.Cwd);
    }

    [Fact]
    public void The_projects_own_entrypoint_and_working_directory_win()
    {
        var (spec, _) = Build(App(("hello", "")).WithItem(SurfaceNames.Entrypoint, "/bin/sh").With(SurfaceNames.WorkingDirectory, "/tmp"));

        Assert.Equal(["/bin/sh"], spec.Process.Args);
        Assert.Equal("/tmp", spec.Process.Cwd);
    }

    [Fact]
    public void The_files_go_under_the_app_folder_between_the_base_and_the_items()
    {
        var request = App(("hello", "from publish"), ("sub/data.txt", "data"));
        request.WithItem(SurfaceNames.RootfsFile, _temp.Combine("publish", "sub", "data.txt"), ("TargetPath", "/app/hello"));
        var diagnostics = new DiagnosticBag();
        var reader = new RequestReader(request, diagnostics);
        var plan = SettingsReader.Read(reader).Rootfs;
        var tree = plan.Apply(_temp.Path, null);

        Assert.Empty(diagnostics.Items);
        Assert.True(tree.TryGet("app/sub/data.txt", out _));
        Assert.True(tree.TryGet("app/hello", out var replaced));
        Assert.EndsWith("data.txt", replaced.SourcePath); // OciRootfsFile comes after the publish output
    }

    [Theory]
    [InlineData("app", "OCIB1070")]
    [InlineData("/", "OCIB1070")]
    public void A_bad_app_folder_is_reported(string value, string code)
    {
        var (_, diagnostics) = Build(App(("hello", "")).With(SurfaceNames.AppDirectory, value));
        Assert.Equal([code], diagnostics.Items.Select(d => d.Code));
    }

    [Fact]
    public void A_relative_path_leaving_the_folder_or_a_missing_file_is_reported()
    {
        var request = App(("hello", ""));
        request.WithItem(PublishOutput.FileItemType, _temp.Combine("publish", "hello"), ("RelativePath", "../etc/passwd"));
        request.WithItem(PublishOutput.FileItemType, _temp.Combine("publish", "gone"), ("RelativePath", "gone"));
        var (_, diagnostics) = Build(request);

        Assert.Equal(["OCIB1071", "OCIB3056"], diagnostics.Items.Select(d => d.Code));
    }

    [Fact]
    public void Nothing_changes_when_publish_output_is_off()
    {
        var (spec, _) = Build(App(("hello", "")).With(SurfaceNames.IncludePublishOutput, "false").WithItem(SurfaceNames.Entrypoint, "/bin/sh"));
        Assert.Equal("/", spec.Process.Cwd);
    }

    [Fact]
    public void A_framework_dependent_app_without_dotnet_in_the_rootfs_is_OCIB3050_and_with_it_passes()
    {
        var request = App(("hello.dll", ""), ("hello.runtimeconfig.json", FrameworkDependent));
        var without = Check(request, new RootfsTree());
        Assert.Equal(["OCIB3050"], without.Select(d => d.Code));
        Assert.Contains("SelfContained", without[0].Message);

        var tree = new RootfsTree();
        File.WriteAllBytes(_temp.Combine("dotnet"), System.IO.File.ReadAllBytes("/bin/busybox")[..64]);
        tree.Add(new RootfsEntry { Path = "usr/share/dotnet/dotnet", Type = RootfsEntryType.RegularFile, Mode = 0b111_101_101, SourcePath = _temp.Combine("dotnet"), Size = 64 });
        tree.Add(new RootfsEntry { Path = "usr/bin/dotnet", Type = RootfsEntryType.SymbolicLink, Mode = 511, LinkTarget = "../share/dotnet/dotnet" });
        tree.Add(new RootfsEntry { Path = "app/hello.dll", Type = RootfsEntryType.RegularFile, Mode = 0b110_100_100 });
        Assert.Empty(Check(request, tree));
    }

    [Fact]
    public void A_self_contained_app_needs_no_dotnet()
    {
        var request = App(("hello", ""), ("hello.runtimeconfig.json", SelfContained));
        Assert.DoesNotContain("OCIB3050", Check(request, new RootfsTree()).Select(d => d.Code));
    }

    [Fact]
    public void A_runtime_without_its_loader_and_libc_is_OCIB3064_naming_them_and_with_them_passes()
    {
        // A base rootfs with this machine's real 'dotnet' host but none of what the kernel and the loader need to start it.
        var request = App(("hello.dll", ""), ("hello.runtimeconfig.json", FrameworkDependent));
        var tree = new RootfsTree();
        tree.Add(HostFiles.Describe(new RootfsPlan.PlannedFile("/usr/share/dotnet/dotnet", "usr/share/dotnet/dotnet", null, 0, 0, "OciBaseRootfs base")));
        tree.Add(new RootfsEntry { Path = "usr/bin/dotnet", Type = RootfsEntryType.SymbolicLink, Mode = 511, LinkTarget = "../share/dotnet/dotnet" });
        tree.Add(new RootfsEntry { Path = "app/hello.dll", Type = RootfsEntryType.RegularFile, Mode = 0b110_100_100 });

        var found = Assert.Single(Check(request, tree));
        Assert.Equal("OCIB3064", found.Code);
        Assert.Contains("'/usr/bin/dotnet'", found.Message);
        Assert.Contains("dynamic loader '/lib64/ld-linux-x86-64.so.2'", found.Message);
        Assert.Contains("'libc.so.6'", found.Message);
        Assert.Contains("'libstdc++.so.6'", found.Message);

        var elf = OciBundle.ElfFormat.ElfReader.Read("/usr/share/dotnet/dotnet")!;
        foreach (var name in elf.Needed.Select(n => "/lib/x86_64-linux-gnu/" + n).Append(elf.Interpreter!))
        {
            tree.Add(HostFiles.Describe(new RootfsPlan.PlannedFile(name, name.TrimStart('/'), null, 0, 0, "OciBaseRootfs base")));
        }

        Assert.Empty(Check(request, tree));
    }

    private static List<Diagnostic> Check(BundleRequest request, RootfsTree tree)
    {
        var (spec, diagnostics) = Build(request);
        RootfsRules.Check(diagnostics, SettingsReader.Read(new RequestReader(request, new DiagnosticBag())), spec, tree);
        return diagnostics.Items.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
    }
}
