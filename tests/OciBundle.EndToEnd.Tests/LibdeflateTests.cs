using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace OciBundle.EndToEnd.Tests;

/// <summary>
/// The package carries Debian 12's libdeflate for Linux x64 and arm64 beside both task folders,
/// and a real build on Linux compresses the rootfs with it (docs/performance.md, "libdeflate").
/// These fail when the pack loses the library, carries another build of it, or the task silently
/// falls back to the runtime's zlib (whose bytes differ).
/// </summary>
[Collection(SdkFeedCollection.Name)]
public sealed class LibdeflateTests(SdkFeed feed)
{
    [Theory]
    [InlineData("tasks/net10.0/runtimes/linux-x64/native/libdeflate.so.0", "7a20781883ba5f05bdf0a259b026109142b9d9af9169e489af608b51c4e233d5")]
    [InlineData("tasks/net8.0/runtimes/linux-x64/native/libdeflate.so.0", "7a20781883ba5f05bdf0a259b026109142b9d9af9169e489af608b51c4e233d5")]
    [InlineData("tasks/net10.0/runtimes/linux-arm64/native/libdeflate.so.0", "e855913b8d66c3f6aa65e742bf9b531acc94b5c4cd53b70c7a794ea83429e913")]
    [InlineData("tasks/net8.0/runtimes/linux-arm64/native/libdeflate.so.0", "e855913b8d66c3f6aa65e742bf9b531acc94b5c4cd53b70c7a794ea83429e913")]
    public void The_package_carries_Debians_libdeflate_beside_each_task_folder(string path, string sha256)
    {
        // The files of Debian 12's libdeflate0 1.14-1 (amd64 and arm64), as build/libdeflate.sh unpacks them.
        Assert.Equal(sha256, Convert.ToHexString(SHA256.HashData(feed.ReadPackageFile(path))).ToLowerInvariant());
    }

    [Fact]
    public void The_package_carries_libdeflates_licence_notice()
    {
        var notice = System.Text.Encoding.UTF8.GetString(feed.ReadPackageFile("THIRD-PARTY-NOTICES/libdeflate.txt"));

        Assert.Contains("Eric Biggers", notice);
        Assert.Contains("Permission is hereby granted", notice);
    }

    [Theory]
    [InlineData("Optimal", 0)]
    [InlineData("Fastest", 4)] // libdeflate level 1; the runtime's zlib-ng writes 0 for its Fastest (level 2)
    public void A_build_on_Linux_compresses_the_rootfs_with_the_carried_libdeflate(string level, byte extraFlags)
    {
        Assert.True(OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.Arm64, "the end-to-end tests run on Linux x64 or arm64");
        var project = Projects.CreateShow(feed, "libdeflate-" + level.ToLowerInvariant(), $"<OciRootfsCompressionLevel>{level}</OciRootfsCompressionLevel>");

        var build = project.BuildSucceeds("-v:d");

        Assert.Contains("OCIB5013: gzip members by libdeflate: ", build.StdOut);
        var rootfs = File.ReadAllBytes(project.BundleFile("rootfs.tar.gz"));
        Assert.Equal([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, extraFlags, 3], rootfs[..10]);
        Assert.Equal(0, ProcessResult.Run("gzip", ["-t", project.BundleFile("rootfs.tar.gz")]).ExitCode);
    }
}
