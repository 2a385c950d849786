using System.Runtime.Versioning;
using System.Text;
using OciBundle.Tests.Support;

namespace OciBundle.Tests.Rootfs;

/// <summary>A host folder holding every kind of entry the writers must keep intact.</summary>
[UnsupportedOSPlatform("windows")] // Unix modes and links; the tests run where the bundles run
public static class SampleHostTree
{
    public const string LongPath120 = "long/";
    public const string HardLinkA = "data/original.txt";
    public const string HardLinkB = "data/hardlink.txt";
    public const string NonAscii = "grüße/日本.txt";
    public static readonly string LongLinkTarget = "../" + new string('t', 150) + "/target";

    /// <summary>A 120-byte path: "long/" + 115 'a's.</summary>
    public static string Path120 => "long/" + new string('a', 115);

    /// <summary>A 300-byte path through three folders (each name under the 255-byte limit).</summary>
    public static string Path300 => "deep/" + new string('b', 100) + "/" + new string('c', 100) + "/" + new string('d', 93);

    public static void Create(string root)
    {
        WriteFile(root, "bin/tool", "#!/bin/sh\necho hello\n", 0b111_101_101);
        Symlink(root, "bin/tool-link", "tool");
        WriteFile(root, "usr/lib/libdemo.so", "not really a library", 0b110_100_100);
        Symlink(root, "lib", "usr/lib"); // a relative link to a folder, as in merged-/usr images
        Symlink(root, "etc-passwd", "/etc/passwd"); // absolute and, on the host, pointing outside
        Directory.CreateDirectory(Path.Combine(root, "empty"));
        File.SetUnixFileMode(Path.Combine(root, "empty"), (UnixFileMode)0b111_000_000);
        Directory.CreateDirectory(Path.Combine(root, "tmp"));
        File.SetUnixFileMode(Path.Combine(root, "tmp"), (UnixFileMode)0b1_111_111_111); // 01777, sticky
        WriteFile(root, HardLinkA, "shared bytes\n", 0b110_100_100);
        ProcessRunner.Run("ln", Path.Combine(root, HardLinkA), Path.Combine(root, HardLinkB)).EnsureSuccess();
        WriteFile(root, "usr/bin/suid", "#!/bin/sh\n", 0b100_111_101_101); // 04755
        WriteFile(root, "usr/bin/sgid", "#!/bin/sh\n", 0b010_111_101_101); // 02755
        WriteFile(root, Path120, "one hundred and twenty", 0b110_100_100);
        WriteFile(root, Path300, "three hundred", 0b110_100_100);
        WriteFile(root, NonAscii, "こんにちは\n", 0b110_100_100);
        Symlink(root, "links/far", LongLinkTarget);
        WriteFile(root, "empty-file", "", 0b110_000_000);
        var big = new byte[3 * 1024 * 1024 + 7]; // several blocks, not a multiple of 512
        new Random(42).NextBytes(big);
        File.WriteAllBytes(Path.Combine(root, "blob.bin"), big);
        File.SetUnixFileMode(Path.Combine(root, "blob.bin"), (UnixFileMode)0b110_100_100);

        Assert.Equal(120, Encoding.UTF8.GetByteCount(Path120));
        Assert.Equal(300, Encoding.UTF8.GetByteCount(Path300));
    }

    private static void WriteFile(string root, string relative, string content, int mode)
    {
        var path = Path.Combine(root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        File.SetUnixFileMode(path, (UnixFileMode)mode);
    }

    private static void Symlink(string root, string relative, string target)
    {
        var path = Path.Combine(root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.CreateSymbolicLink(path, target);
    }
}
