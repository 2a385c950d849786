using OciBundle.Tests.Support;

namespace OciBundle.Tests.Fuzz;

/// <summary>The shared inputs and the generator, made once for all fuzz tests.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class FuzzFixture : IDisposable
{
    private readonly TempDirectory _temp = new();

    public FuzzFixture()
    {
        Inputs = new FuzzInputs(_temp.Combine("inputs"));
        Generator = new RandomRequests(Inputs);
        Runs = _temp.Combine("runs");
        Directory.CreateDirectory(Runs);
    }

    public FuzzInputs Inputs { get; }

    public RandomRequests Generator { get; }

    /// <summary>One project folder per request is made below this folder (and removed after it).</summary>
    public string Runs { get; }

    public void Dispose() => _temp.Dispose();
}
