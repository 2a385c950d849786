using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.Versioning;
using System.Text.Json;
using Xunit.Abstractions;

namespace OciBundle.Tests.Fuzz;

/// <summary>
/// Generated requests through the whole generator. Seeds are fixed, so a failure names the seed
/// that reproduces it (run <see cref="RequestFuzzTests.One_seed"/> with it to debug).
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class RequestFuzzTests(FuzzFixture fixture, ITestOutputHelper log) : IClassFixture<FuzzFixture>
{
    private const int FirstSeed = 1_000_000;
    private const int Count = 10_000;

    [Fact]
    public void Random_requests_either_build_or_fail_with_coded_errors_and_leave_no_trace()
    {
        var outcomes = RunAll(FirstSeed, Count, keepConfigs: false);

        var violations = outcomes.Where(o => o.Violation is not null).OrderBy(o => o.Request.Seed).ToList();
        foreach (var v in violations)
        {
            log.WriteLine($"seed {v.Request.Seed}: {v.Violation!.Split('\n')[0]}");
        }

        Assert.True(violations.Count == 0, $"{violations.Count} of {Count} requests broke a rule; the first ones:\n\n"
            + string.Join("\n\n", violations.Take(5).Select(o => $"{o.Request}{o.Violation}")));
    }

    [Fact]
    public void Every_written_config_has_a_version_a_command_an_absolute_cwd_and_the_rootfs_path()
    {
        var built = RunAll(FirstSeed + Count, 1_500, keepConfigs: true).Where(o => o.Config is not null).ToList();

        // The property is only worth something when enough requests got as far as writing.
        Assert.True(built.Count >= 100, $"only {built.Count} of 1500 requests built a bundle");
        foreach (var outcome in built)
        {
            var root = outcome.Config!.RootElement;
            var context = outcome.Request.ToString();
            Assert.True(root.GetProperty("ociVersion").GetString() is { Length: > 0 }, context);
            var args = root.GetProperty("process").GetProperty("args");
            Assert.True(args.ValueKind == JsonValueKind.Array && args.GetArrayLength() > 0, context);
            Assert.True(root.GetProperty("process").GetProperty("cwd").GetString() is { } cwd && cwd.StartsWith('/'), context);
            Assert.True(root.GetProperty("root").GetProperty("path").GetString() == "rootfs", context);
        }
    }

    /// <summary>For debugging one seed from a failure message: put it here and run this test alone.</summary>
    [Theory]
    [InlineData(FirstSeed)]
    public void One_seed(int seed)
    {
        var outcome = RequestRunner.Run(fixture, seed);
        log.WriteLine(outcome.Request.ToString());
        log.WriteLine(string.Join("\n", outcome.Reported));
        Assert.True(outcome.Violation is null, outcome.Violation);
    }

    private List<FuzzOutcome> RunAll(int firstSeed, int count, bool keepConfigs)
    {
        var watch = Stopwatch.StartNew();
        var outcomes = new ConcurrentBag<FuzzOutcome>();
        Parallel.For(firstSeed, firstSeed + count, new ParallelOptions { MaxDegreeOfParallelism = 2 }, seed =>
        {
            var outcome = RequestRunner.Run(fixture, seed);
            if (!keepConfigs && outcome.Config is { } config)
            {
                // 10,000 parsed configs would hold a lot of memory; keep only the fact that one was written.
                config.Dispose();
                outcome = outcome with { Config = JsonDocument.Parse("{}") };
            }

            outcomes.Add(outcome);
        });

        var list = outcomes.ToList();
        var codes = list.SelectMany(o => o.Reported.Select(d => d.Code).Distinct()).GroupBy(c => c).OrderBy(g => g.Key, StringComparer.Ordinal);
        log.WriteLine($"{count} requests in {watch.Elapsed.TotalSeconds:0.0} s: {list.Count(o => o.Config is not null)} built, "
            + $"{list.Count(o => o.Violation is not null)} broke a rule");
        log.WriteLine("slowest: " + string.Join(", ", list.OrderByDescending(o => o.Elapsed).Take(8).Select(o => $"{o.Request.Seed} {o.Elapsed.TotalMilliseconds:0} ms")));
        log.WriteLine("codes (requests reporting each): " + string.Join(", ", codes.Select(g => $"{g.Key} {g.Count()}")));
        return list;
    }
}
