using OciBundle.Diagnostics;

namespace OciBundle.Tests.Diagnostics;

/// <summary>Alone: every build resets the process's peak resident set, so tests building bundles beside it would move it.</summary>
[CollectionDefinition(nameof(BuildTimingsTests), DisableParallelization = true)]
public class BuildTimingsCollection;

[Collection(nameof(BuildTimingsTests))]
public class BuildTimingsTests
{
    [Fact]
    public void Summary_lists_the_stages_and_what_the_build_cost_the_process()
    {
        // Settle the GC first (a collection that gives pages back while the stage runs would
        // lower the resident set by as much as the stage adds), then map 8 MiB of fresh
        // anonymous pages and touch them: unlike a managed array or malloc, which may reuse
        // pages already resident after the other tests of this process, a new mapping must raise
        // the peak resident set.
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        var timings = new BuildTimings();
        timings.Mark("request");
        const int Size = 8 << 20;
        using (var mapping = System.IO.MemoryMappedFiles.MemoryMappedFile.CreateNew(null, Size))
        using (var view = mapping.CreateViewAccessor(0, Size))
        {
            for (var offset = 0; offset < Size; offset += 4096)
            {
                view.Write(offset, (byte)1);
            }

            timings.Mark("rootfs");
        }

        var summary = timings.Summary();

        Assert.Matches(@"^request \d+\.\d\d s, rootfs \d+\.\d\d s; total \d+\.\d\d s, CPU \d+\.\d\d s, JIT \d+ methods in \d+\.\d\d s, allocated \d+ MiB", summary);
        if (OperatingSystem.IsLinux())
        {
            // The 8 MiB written above raised the peak over the start, in the stage that wrote it.
            var match = System.Text.RegularExpressions.Regex.Match(summary, @"peak RSS \+(\d+) MiB over \d+ MiB at the start \(\+(\d+) in rootfs");
            Assert.True(match.Success, summary);
            Assert.InRange(int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), 7, 4096);
            Assert.InRange(int.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture), 7, 4096);
        }
    }
}
