using OciBundle.Fuzz;
using OciBundle.Tests.Support;

namespace OciBundle.Tests.Fuzz;

/// <summary>
/// Replays, through the fuzzer's own entry points (FuzzTargets), every seed of fuzz/corpus and
/// every crashing input build/fuzz.sh found and we kept (Fuzz/Inputs/TARGET/): each must end in a
/// coded outcome, never another exception. A new crash is kept by copying its input there.
/// </summary>
public sealed class KeptFuzzInputTests : IDisposable
{
    private readonly TempDirectory _scratch = new();

    public void Dispose() => _scratch.Dispose();

    public static TheoryData<string, string> Inputs()
    {
        var data = new TheoryData<string, string>();
        foreach (var folder in new[] { "Inputs", "Corpus" })
        {
            foreach (var target in FuzzTargets.Names)
            {
                var directory = Path.Combine(AppContext.BaseDirectory, "Fuzz", folder, target);
                foreach (var file in Directory.Exists(directory) ? Directory.GetFiles(directory).Order(StringComparer.Ordinal).ToArray() : [])
                {
                    data.Add(target, Path.GetRelativePath(AppContext.BaseDirectory, file));
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Each_kept_input_ends_in_a_coded_outcome(string target, string file)
    {
        var input = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, file));
        FuzzTargets.For(target, _scratch.Path)(input); // any exception but a coded one escapes and fails the test
    }

    [Fact]
    public void Every_target_has_seeds_to_start_from()
    {
        var targets = Inputs().Select(row => ((string)row[0], (string)row[1]))
            .Where(row => row.Item2.Contains("Corpus", StringComparison.Ordinal))
            .Select(row => row.Item1)
            .Distinct();
        Assert.Equal(FuzzTargets.Names.Order(), targets.Order());
    }
}
