using System.Runtime.Versioning;
using OciBundle.Tests.Support;

namespace OciBundle.Tests.Rootfs;

/// <summary>Compares two folders entry by entry: type, mode, link target, content; links never followed.</summary>
[UnsupportedOSPlatform("windows")] // Unix modes and links; the tests run where the bundles run
public static class FolderComparer
{
    public static void AssertSame(string expectedRoot, string actualRoot)
    {
        var expected = List(expectedRoot);
        var actual = List(actualRoot);
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), actual.Keys.Order(StringComparer.Ordinal));
        foreach (var (path, want) in expected)
        {
            Assert.True(want == actual[path], $"{path}: expected {want}, got {actual[path]}");
            if (want.Type == "file")
            {
                Assert.True(
                    File.ReadAllBytes(Path.Combine(expectedRoot, path)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(actualRoot, path))),
                    $"{path}: contents differ");
            }
        }
    }

    /// <summary>stat(1) fields of one path, without following links: "%u:%g %i %Y".</summary>
    public static string[] Stat(string path) =>
        ProcessRunner.Run("stat", "-c", "%u:%g %i %Y", path).EnsureSuccess().Trim().Split(' ');

    private sealed record Item(string Type, string Mode, string? LinkTarget);

    private static Dictionary<string, Item> List(string root)
    {
        var result = new Dictionary<string, Item>(StringComparer.Ordinal);
        Walk(root, root, result);
        return result;
    }

    private static void Walk(string root, string folder, Dictionary<string, Item> result)
    {
        foreach (var info in new DirectoryInfo(folder).EnumerateFileSystemInfos("*", new EnumerationOptions { AttributesToSkip = 0 }))
        {
            var relative = Path.GetRelativePath(root, info.FullName);
            if (info.LinkTarget is { } target)
            {
                result[relative] = new Item("symlink", "", target);
            }
            else if (info is DirectoryInfo)
            {
                result[relative] = new Item("folder", Mode(info.FullName), null);
                Walk(root, info.FullName, result);
            }
            else
            {
                result[relative] = new Item("file", Mode(info.FullName), null);
            }
        }
    }

    private static string Mode(string path) => Convert.ToString((int)File.GetUnixFileMode(path), 8);
}
