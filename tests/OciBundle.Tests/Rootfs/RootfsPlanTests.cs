using System.Runtime.Versioning;
using OciBundle.Diagnostics;
using OciBundle.Request;
using OciBundle.Rootfs;
using OciBundle.Settings;
using OciBundle.Tests.Support;

namespace OciBundle.Tests.Rootfs;

/// <summary>How OciRootfsFile, OciRootfsDirectory, OciRootfsSymlink and OciBaseRootfs become tree entries.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class RootfsPlanTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private string HostFile(string name, string content = "x", int mode = 0b110_100_100)
    {
        var path = _temp.Combine(name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        File.SetUnixFileMode(path, (UnixFileMode)mode);
        return path;
    }

    private (RootfsPlan Plan, DiagnosticBag Diagnostics) Read(BundleRequest request)
    {
        var diagnostics = new DiagnosticBag();
        var reader = new RequestReader(request, diagnostics);
        var plan = SettingsReader.Read(reader).Rootfs;
        return (plan, diagnostics);
    }

    private RootfsTree Tree(BundleRequest request)
    {
        var (plan, diagnostics) = Read(request);
        Assert.Empty(diagnostics.Items);
        return plan.Apply(_temp.Combine("spool"), null);
    }

    private string Code(BundleRequest request) => Assert.Single(Read(request).Diagnostics.Items).Code;

    private BundleRequest NewRequest() => new() { ProjectDirectory = _temp.Path };

    [Fact]
    public void A_file_keeps_its_file_system_mode_and_gets_root_owner()
    {
        var host = HostFile("tool", mode: 0b111_101_101);
        var tree = Tree(NewRequest().WithItem(SurfaceNames.RootfsFile, "tool", ("FullPath", host), ("TargetPath", "/usr/bin/tool")));
        Assert.True(tree.TryGet("usr/bin/tool", out var entry));
        Assert.Equal((RootfsEntryType.RegularFile, 0b111_101_101, 0, 0, host), (entry.Type, entry.Mode, entry.Uid, entry.Gid, entry.SourcePath));
        Assert.True(tree.TryGet("usr", out var parent));
        Assert.Equal(RootfsEntryType.Directory, parent.Type);
    }

    [Fact]
    public void Mode_uid_and_gid_metadata_override()
    {
        var host = HostFile("conf");
        var tree = Tree(NewRequest().WithItem(SurfaceNames.RootfsFile, "conf", ("FullPath", host), ("TargetPath", "/etc/app.conf"), ("Mode", "0640"), ("Uid", "1000"), ("Gid", "50")));
        Assert.True(tree.TryGet("etc/app.conf", out var entry));
        Assert.Equal((0b110_100_000, 1000, 50), (entry.Mode, entry.Uid, entry.Gid));
    }

    [Fact]
    public void A_target_folder_keeps_the_recursive_dir()
    {
        var host = HostFile("assets/img/logo.png");
        var tree = Tree(NewRequest().WithItem(SurfaceNames.RootfsFile, "assets/img/logo.png", ("FullPath", host), ("TargetPath", "/srv/www/"), ("RecursiveDir", "img/")));
        Assert.True(tree.Contains("srv/www/img/logo.png"));
    }

    [Fact]
    public void A_host_folder_is_placed_whole()
    {
        HostFile("site/index.html");
        HostFile("site/css/app.css");
        var tree = Tree(NewRequest().WithItem(SurfaceNames.RootfsFile, "site", ("FullPath", _temp.Combine("site")), ("TargetPath", "/srv/site")));
        Assert.True(tree.Contains("srv/site/index.html"));
        Assert.True(tree.Contains("srv/site/css/app.css"));
    }

    [Fact]
    public void Directories_and_symlinks_are_added_after_files_in_surface_order()
    {
        var tree = Tree(NewRequest()
            .WithItem(SurfaceNames.RootfsDirectory, "/tmp", ("Mode", "1777"))
            .WithItem(SurfaceNames.RootfsSymlink, "/bin/sh", ("LinkTarget", "busybox")));
        Assert.True(tree.TryGet("tmp", out var tmp));
        Assert.Equal(0b1_111_111_111, tmp.Mode);
        Assert.True(tree.TryGet("bin/sh", out var sh));
        Assert.Equal((RootfsEntryType.SymbolicLink, "busybox"), (sh.Type, sh.LinkTarget));
    }

    [Fact]
    public void Later_layers_replace_the_base_at_the_same_path()
    {
        var baseDir = _temp.Combine("base");
        HostFile("base/etc/motd", "base");
        var project = HostFile("motd", "project");
        var tree = Tree(NewRequest()
            .With(SurfaceNames.BaseRootfs, "raw://" + baseDir)
            .WithItem(SurfaceNames.RootfsFile, "motd", ("FullPath", project), ("TargetPath", "/etc/motd")));
        Assert.True(tree.TryGet("etc/motd", out var motd));
        Assert.Equal(project, motd.SourcePath);
    }

    [Fact]
    public void A_relative_base_rootfs_is_found_from_the_project_folder()
    {
        HostFile("image/bin/true");
        var tree = Tree(NewRequest().With(SurfaceNames.BaseRootfs, "image"));
        Assert.True(tree.Contains("bin/true"));
    }

    [Fact]
    public void A_folder_item_takes_the_items_owner_for_every_entry()
    {
        HostFile("site/index.html");
        var tree = Tree(NewRequest().WithItem(SurfaceNames.RootfsFile, "site", ("FullPath", _temp.Combine("site")), ("TargetPath", "/srv/site"), ("Uid", "33"), ("Gid", "33")));
        Assert.True(tree.TryGet("srv/site", out var folder));
        Assert.True(tree.TryGet("srv/site/index.html", out var file));
        Assert.Equal((33, 33, 33, 33), (folder.Uid, folder.Gid, file.Uid, file.Gid));
        Assert.True(tree.TryGet("srv", out var parent));
        Assert.Equal(0, parent.Uid);
    }

    [Fact]
    public void A_folder_item_with_a_mode_is_OCIB1027()
    {
        HostFile("site/index.html");
        Assert.Equal("OCIB1027", Code(NewRequest().WithItem(SurfaceNames.RootfsFile, "site", ("FullPath", _temp.Combine("site")), ("TargetPath", "/srv/site"), ("Mode", "0644"))));
    }

    [Fact]
    public void A_symlink_mode_is_not_read()
    {
        var tree = Tree(NewRequest().WithItem(SurfaceNames.RootfsSymlink, "/bin/sh", ("LinkTarget", "busybox"), ("Mode", "whatever")));
        Assert.True(tree.TryGet("bin/sh", out var link));
        Assert.Equal(0b111_111_111, link.Mode);
    }

    [Theory]
    [InlineData("raw://relative/dir")]
    [InlineData("raw:///FILE")]
    [InlineData("image.zip")]
    public void Base_rootfs_forms_that_cannot_work_are_OCIB3002_before_anything_is_read(string value)
    {
        HostFile("relative/dir/x");
        HostFile("image.zip");
        var file = HostFile("rootfs.tar");
        Assert.Equal("OCIB3002", Code(NewRequest().With(SurfaceNames.BaseRootfs, value.Replace("/FILE", file))));
    }

    [Fact]
    public void Item_errors_are_coded()
    {
        var host = HostFile("f");
        Assert.Equal("OCIB1003", Code(NewRequest().WithItem(SurfaceNames.RootfsFile, "f", ("FullPath", host))));
        Assert.Equal("OCIB1004", Code(NewRequest().WithItem(SurfaceNames.RootfsFile, "f", ("FullPath", host), ("TargetPath", "usr/f"))));
        Assert.Equal("OCIB1005", Code(NewRequest().WithItem(SurfaceNames.RootfsDirectory, "tmp")));
        Assert.Equal("OCIB1006", Code(NewRequest().WithItem(SurfaceNames.RootfsSymlink, "/bin/sh")));
        Assert.Equal("OCIB1022", Code(NewRequest().WithItem(SurfaceNames.RootfsDirectory, "/tmp", ("Mode", "999"))));
        Assert.Equal("OCIB1023", Code(NewRequest().WithItem(SurfaceNames.RootfsFile, "f", ("FullPath", host), ("TargetPath", "/f"), ("Uid", "root"))));
        Assert.Equal("OCIB1025", Code(NewRequest().WithItem(SurfaceNames.RootfsFile, "f", ("FullPath", host), ("TargetPath", "/usr/../etc/f"))));
        Assert.Equal("OCIB1025", Code(NewRequest().WithItem(SurfaceNames.RootfsDirectory, "/")));
        Assert.Equal("OCIB3006", Code(NewRequest().WithItem(SurfaceNames.RootfsFile, "gone", ("FullPath", _temp.Combine("gone")), ("TargetPath", "/gone"))));
        Assert.Equal("OCIB3001", Code(NewRequest().With(SurfaceNames.BaseRootfs, "missing.tar")));
    }

    [Theory]
    [InlineData(null, 4L << 30)]
    [InlineData("1048576", 1048576L)]
    [InlineData("512Mi", 512L << 20)]
    [InlineData("16Gi", 16L << 30)]
    [InlineData("2G", 2_000_000_000L)]
    public void OciBaseRootfsMaxSize_is_a_byte_size_with_a_default(string? value, long expected)
    {
        var request = NewRequest();
        if (value is not null)
        {
            request.With(SurfaceNames.BaseRootfsMaxSize, value);
        }

        var (plan, diagnostics) = Read(request);

        Assert.Empty(diagnostics.Items);
        Assert.Equal(expected, plan.BaseRootfsMaxSize);
    }

    [Theory]
    [InlineData("4GB")]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("1.5Gi")]
    [InlineData("99999999999999999999")]
    [InlineData("lots")]
    public void OciBaseRootfsMaxSize_that_is_not_a_byte_size_is_OCIB1080(string value)
    {
        var diagnostic = Assert.Single(Read(NewRequest().With(SurfaceNames.BaseRootfsMaxSize, value)).Diagnostics.Items);

        Assert.Equal("OCIB1080", diagnostic.Code);
        Assert.Contains($"'{value}'", diagnostic.Message, StringComparison.Ordinal);
    }
}
