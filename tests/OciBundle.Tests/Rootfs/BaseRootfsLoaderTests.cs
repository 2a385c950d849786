using System.Runtime.Versioning;
using OciBundle.Diagnostics;
using OciBundle.Rootfs;
using OciBundle.Tests.Support;

namespace OciBundle.Tests.Rootfs;

[UnsupportedOSPlatform("windows")] // Unix modes and links; the tests run where the bundles run
public class BaseRootfsLoaderTests
{
    [Fact]
    public void Reads_a_folder_a_raw_url_and_an_archive()
    {
        using var temp = new TempDirectory();
        var folder = temp.Combine("base");
        Directory.CreateDirectory(Path.Combine(folder, "etc"));
        File.WriteAllText(Path.Combine(folder, "etc/os-release"), "ID=test\n");
        var archive = temp.Combine("BASE.TAR.GZ");
        ProcessRunner.Run("tar", "-czf", archive, "-C", folder, ".").EnsureSuccess();

        foreach (var baseRootfs in new[] { folder, "raw://" + folder, archive })
        {
            var tree = new RootfsTree();
            BaseRootfsLoader.Load(tree, baseRootfs, temp.Combine("spool-" + tree.GetHashCode()), null);
            Assert.True(tree.TryGet("etc/os-release", out var entry), baseRootfs);
            Assert.Equal("OciBaseRootfs " + baseRootfs, entry.Origin);
        }
    }

    [Fact]
    public void Missing_and_unsupported_inputs_have_their_own_codes()
    {
        using var temp = new TempDirectory();
        var zip = temp.Combine("base.zip");
        File.WriteAllText(zip, "PK");

        Assert.Equal("OCIB3001", Load(temp, temp.Combine("missing.tar")));
        Assert.Equal("OCIB3001", Load(temp, "raw://" + temp.Combine("missing")));
        Assert.Equal("OCIB3002", Load(temp, zip));
        Assert.Equal("OCIB3002", Load(temp, "raw://relative/dir"));
    }

    private static string Load(TempDirectory temp, string baseRootfs) =>
        Assert.Throws<OciBundleException>(() => BaseRootfsLoader.Load(new RootfsTree(), baseRootfs, temp.Combine("spool"), null)).Diagnostic.Code;
}
