using System.Text.RegularExpressions;

namespace OciBundle.EndToEnd.Tests;

/// <summary>
/// The lines a real build logs besides the '->' line: at -v:d which input made the bundle be
/// rewritten (OCIB5008), and the progress of a long rootfs write (OCIB5009). The publish mode,
/// invariant globalization and libraries added (OCIB3065) are asserted by DotNetAppTests.
/// </summary>
[Collection(SdkFeedCollection.Name)]
public sealed class BuildLogLinesTests(SdkFeed feed)
{
    [Fact]
    public void At_detailed_verbosity_a_rebuild_names_the_input_that_changed()
    {
        var project = Projects.CreateShow(feed, "log-rewritten", extraItems: """<OciRootfsFile Include="motd.txt" TargetPath="/etc/motd" />""");
        var motd = Path.Combine(project.Directory, "motd.txt");
        File.WriteAllText(motd, "one\n");

        var first = project.BuildSucceeds("-v:d");
        Assert.Contains("OCIB5008: Bundle rewritten: no earlier stamp.", first.StdOut);

        var unchanged = project.BuildSucceeds("-v:d");
        Assert.DoesNotContain("OCIB5008", unchanged.StdOut);

        File.WriteAllText(motd, "two\n");
        var file = project.BuildSucceeds("-v:d");
        Assert.Contains($"OCIB5008: Bundle rewritten: file {motd} changed.", file.StdOut);

        var property = project.BuildSucceeds("-v:d", "-p:OciHostname=renamed");
        Assert.Contains("OCIB5008: Bundle rewritten: property OciHostname added.", property.StdOut);
        var changed = project.BuildSucceeds("-v:d", "-p:OciHostname=again");
        Assert.Contains("OCIB5008: Bundle rewritten: property OciHostname changed.", changed.StdOut);

        // Normal verbosity does not show the reason.
        var normal = project.BuildSucceeds();
        Assert.DoesNotContain("OCIB5008", normal.StdOut);
    }

    [Fact]
    public void A_rootfs_write_longer_than_the_interval_reports_its_progress_at_normal_verbosity()
    {
        // The real interval is 5 s, which a test rootfs never reaches without slowing CI: the
        // documented knob shortens it, the counting and the line are the build's own.
        var project = Projects.CreateShow(feed, "log-progress", extraItems: """<OciRootfsFile Include="blob.bin" TargetPath="/blob.bin" />""");
        var blob = new byte[3 * 1024 * 1024];
        new Random(7).NextBytes(blob);
        File.WriteAllBytes(Path.Combine(project.Directory, "blob.bin"), blob);

        var quiet = project.BuildSucceeds();
        Assert.DoesNotContain("OCIB5009", quiet.StdOut);

        project.ExtraEnvironment["OCIBUNDLE_PROGRESS_SECONDS"] = "0";
        var reported = project.BuildSucceeds("-p:OciHostname=progress");
        var lines = reported.StdOut.Split('\n')
            .Select(l => Regex.Match(l, @"OCIB5009: Packing the rootfs: ([0-9]+) MiB of ([0-9]+) MiB, ([0-9]+) of ([0-9]+) entries\."))
            .Where(m => m.Success).ToList();
        Assert.True(lines.Count > 1, reported.StdOut);
        // busybox and the 3 MiB blob: the total is the same on every line, and the last counts it all.
        var total = int.Parse(lines[0].Groups[2].Value);
        Assert.InRange(total, 3, 8);
        Assert.All(lines, m => Assert.Equal(total, int.Parse(m.Groups[2].Value)));
        var last = lines[^1];
        Assert.Equal(last.Groups[4].Value, last.Groups[3].Value);
        Assert.Equal(total, int.Parse(last.Groups[1].Value));
        Assert.True(int.Parse(lines[0].Groups[3].Value) < int.Parse(last.Groups[3].Value));
    }
}
