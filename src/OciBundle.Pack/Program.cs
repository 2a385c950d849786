using System.Diagnostics;
using OciBundle;
using OciBundle.Diagnostics;
using OciBundle.Pack;
using OciBundle.Request;

// ocibundle-pack ROOTFS-FOLDER OUTPUT-FOLDER [--level Optimal|Fastest|SmallestSize] [--format tar.gz|tar|directory] [--entrypoint /bin/sh]
// Builds a bundle whose rootfs is ROOTFS-FOLDER, as OciBaseRootfs would, and prints one line per
// output and the wall time. No stamp file is passed, so every run writes the whole bundle.
if (args.Length < 2 || args.Length % 2 != 0)
{
    Console.Error.WriteLine("usage: ocibundle-pack ROOTFS-FOLDER OUTPUT-FOLDER [--level Optimal|Fastest|SmallestSize] [--format tar.gz|tar|directory] [--entrypoint /bin/sh]");
    return 2;
}

var request = new BundleRequest()
    .With(SurfaceNames.BaseRootfs, Path.GetFullPath(args[0]))
    .With(SurfaceNames.BundleOutputPath, Path.GetFullPath(args[1]));
var entrypoint = "/bin/sh"; // the spec needs a command that exists in the rootfs; the bench only times the rootfs
for (var i = 2; i < args.Length; i += 2)
{
    var name = args[i] switch
    {
        "--level" => SurfaceNames.RootfsCompressionLevel,
        "--format" => SurfaceNames.RootfsFormat,
        "--entrypoint" => SurfaceNames.Entrypoint,
        _ => null,
    };
    if (name is null)
    {
        Console.Error.WriteLine($"unknown option {args[i]}");
        return 2;
    }

    if (name == SurfaceNames.Entrypoint)
    {
        entrypoint = args[i + 1];
    }
    else
    {
        request.With(name, args[i + 1]);
    }
}

request.WithItem(SurfaceNames.Entrypoint, entrypoint);

var baselineKb = ProcessMemory.ReadKb("VmRSS"); // the runtime and this program, loaded; packing adds the rest
var clock = Stopwatch.StartNew();
var failed = false;
var result = BundleGenerator.Generate(request, diagnostic =>
{
    failed |= diagnostic.Severity == DiagnosticSeverity.Error;
    if (diagnostic.Severity is DiagnosticSeverity.Error or DiagnosticSeverity.Warning)
    {
        Console.Error.WriteLine(diagnostic);
    }
});
clock.Stop();
if (result is null || failed)
{
    return 1;
}

foreach (var output in result.Outputs)
{
    Console.WriteLine($"{output.Kind}\t{output.Size}\t{output.Sha256}\t{output.Path}");
}

Console.WriteLine($"elapsed\t{clock.Elapsed.TotalSeconds:F3}");
Console.WriteLine($"rss_baseline_kb\t{baselineKb}");
Console.WriteLine($"rss_peak_kb\t{ProcessMemory.ReadKb("VmHWM")}");
return 0;
