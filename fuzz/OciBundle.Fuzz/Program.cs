using System.Runtime.InteropServices;
using OciBundle.Fuzz;
using SharpFuzz;

// OciBundle.Fuzz TARGET          under afl-fuzz (build/fuzz.sh): the SharpFuzz fork server, one input per run
// OciBundle.Fuzz TARGET FILE...  replays inputs once each, for triage: a crash prints its exception
if (args.Length == 0 || !FuzzTargets.Names.Contains(args[0]))
{
    Console.Error.WriteLine($"usage: OciBundle.Fuzz {string.Join("|", FuzzTargets.Names)} [FILE...]");
    return 2;
}

// Each input gets a fresh folder here; build/fuzz.sh points it at a tmpfs and removes it after.
var scratch = Environment.GetEnvironmentVariable("OCIB_FUZZ_SCRATCH") is { Length: > 0 } set
    ? set
    : Path.Combine(Path.GetTempPath(), $"ocib-fuzz-{Environment.ProcessId}");
Directory.CreateDirectory(scratch);
var target = FuzzTargets.For(args[0], scratch);

// Instrumented code writes to afl's coverage map; outside afl (replay, warm-up) it needs one of
// its own, or the first branch writes through a null pointer. Fuzzer.Run points it at afl's map.
unsafe
{
    SharpFuzz.Common.Trace.SharedMem = (byte*)NativeMemory.AllocZeroed(1 << 16);
}

if (args.Length > 1)
{
    foreach (var file in args[1..])
    {
        target(File.ReadAllBytes(file));
        Console.WriteLine($"{file}: no crash");
    }

    return 0;
}

// Warm-up: one pass over the seeds first, so first-use work (static constructors, lazy
// defaults, JSON metadata) is done before afl measures, and runs of one input agree (stability).
if (Environment.GetEnvironmentVariable("OCIB_FUZZ_WARMUP") is { Length: > 0 } seeds && Directory.Exists(seeds))
{
    foreach (var file in Directory.EnumerateFiles(seeds))
    {
        try
        {
            target(File.ReadAllBytes(file));
        }
        catch (Exception)
        {
            // A seed that crashes is found again by afl's own first pass, which reports it.
        }
    }
}

Fuzzer.Run(stream =>
{
    using var copy = new MemoryStream();
    stream.CopyTo(copy);
    target(copy.ToArray());
});
return 0;
