using System.Runtime.Versioning;
using OciBundle.Diagnostics;
using OciBundle.Request;
using OciBundle.Rootfs;
using OciBundle.Settings;
using OciBundle.Spec;
using OciBundle.Steps;
using OciBundle.Tests.Building;
using OciBundle.Tests.Support;

namespace OciBundle.Tests.Rootfs;

[UnsupportedOSPlatform("windows")]
public sealed class AccountResolverTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private RootfsTree Tree(bool withAccounts = true, bool passwdAsLink = false)
    {
        var tree = new RootfsTree();
        if (!withAccounts)
        {
            return tree;
        }

        var passwd = _temp.Combine("passwd");
        File.WriteAllText(passwd, "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1001::/home/app:/bin/sh\napp:x:5:5:duplicate:/:/bin/sh\n");
        var group = _temp.Combine("group");
        File.WriteAllText(group, "root:x:0:\nstaff:x:50:app\napp:x:1001:\n");
        tree.Add(new RootfsEntry { Path = passwdAsLink ? "usr/lib/passwd" : "etc/passwd", Type = RootfsEntryType.RegularFile, Mode = 420, SourcePath = passwd, Size = new FileInfo(passwd).Length });
        if (passwdAsLink)
        {
            tree.Add(new RootfsEntry { Path = "etc/passwd", Type = RootfsEntryType.SymbolicLink, Mode = 511, LinkTarget = "../usr/lib/passwd" });
        }

        tree.Add(new RootfsEntry { Path = "etc/group", Type = RootfsEntryType.RegularFile, Mode = 420, SourcePath = group, Size = new FileInfo(group).Length });
        return tree;
    }

    private static (RuntimeSpec Spec, List<string> Codes) Resolve(BundleRequest request, RootfsTree tree)
    {
        var diagnostics = new DiagnosticBag();
        var spec = SpecBuilder.Build(request, diagnostics);
        AccountResolver.Resolve(diagnostics, SettingsReader.Read(new RequestReader(request, new DiagnosticBag())), spec, tree);
        return (spec, diagnostics.Items.Select(d => d.Code).ToList());
    }

    [Theory]
    [InlineData("app", 1000u, 1001u)]
    [InlineData("app:staff", 1000u, 50u)]
    [InlineData("app:7", 1000u, 7u)]
    [InlineData("33:staff", 33u, 50u)]
    [InlineData("root", 0u, 0u)]
    public void Names_become_numbers_from_the_rootfs(string user, uint uid, uint gid)
    {
        var (spec, codes) = Resolve(RequestBuilder.Defaults().With(SurfaceNames.User, user), Tree());
        Assert.Empty(codes);
        Assert.Equal((uid, gid), (spec.Process.User.Uid, spec.Process.User.Gid));
    }

    [Fact]
    public void Passwd_behind_a_symbolic_link_is_followed_inside_the_rootfs()
    {
        var (spec, codes) = Resolve(RequestBuilder.Defaults().With(SurfaceNames.User, "app"), Tree(passwdAsLink: true));
        Assert.Empty(codes);
        Assert.Equal(1000u, spec.Process.User.Uid);
    }

    [Fact]
    public void Additional_groups_mix_names_and_numbers_in_order()
    {
        var request = RequestBuilder.Defaults().WithItem(SurfaceNames.AdditionalGroup, "staff").WithItem(SurfaceNames.AdditionalGroup, "27").WithItem(SurfaceNames.AdditionalGroup, "app");
        var (spec, codes) = Resolve(request, Tree());
        Assert.Empty(codes);
        Assert.Equal([50u, 27u, 1001u], spec.Process.User.AdditionalGids);
    }

    [Fact]
    public void Unknown_names_and_missing_files_are_coded()
    {
        Assert.Equal(["OCIB3013"], Resolve(RequestBuilder.Defaults().With(SurfaceNames.User, "nobody"), Tree()).Codes);
        Assert.Equal(["OCIB3014"], Resolve(RequestBuilder.Defaults().With(SurfaceNames.User, "app:wheel"), Tree()).Codes);
        Assert.Equal(["OCIB3014"], Resolve(RequestBuilder.Defaults().WithItem(SurfaceNames.AdditionalGroup, "wheel"), Tree()).Codes);
        Assert.Equal(["OCIB3015"], Resolve(RequestBuilder.Defaults().With(SurfaceNames.User, "app"), Tree(withAccounts: false)).Codes);
        Assert.Empty(Resolve(RequestBuilder.Defaults().With(SurfaceNames.User, "1000:1000"), Tree(withAccounts: false)).Codes);
    }
}
