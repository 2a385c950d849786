using System.Text;
using static OciBundle.Request.SurfaceNames;

namespace OciBundle.Tests.Fuzz;

/// <summary>
/// Makes random requests from a seed: every property of <see cref="OciBundle.Request.SurfaceNames"/>
/// and every item type, with good values, near misses and junk. A third of the requests use good
/// values only, so enough of them get as far as writing a bundle; the rest mostly fail in
/// validation, which is cheap. The same seed always gives the same request.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed partial class RandomRequests(FuzzInputs inputs)
{
    public static readonly string[] ItemTypes =
    [
        Entrypoint, Args, EnvironmentVariable, Rlimit, Capability, MaskedPath, ReadonlyPath, Namespace, Mount, Device,
        UidMapping, GidMapping, AdditionalGroup, Hook, Annotation, Sysctl, RootfsFile, RootfsDirectory, RootfsSymlink,
        ImageTag, Port, Label,
    ];

    public GeneratedRequest Create(int seed)
    {
        var random = new Random(seed);
        var clean = random.NextDouble() < 0.35;
        var request = new GeneratedRequest(seed)
        {
            WithDefaultItems = random.NextDouble() < 0.6,
            OutputExistsBefore = random.NextDouble() < 0.2,
        };
        var g = new Generation(random, clean, inputs);

        // The output folder: almost always a harmless one, sometimes unset (OCIB5004) or a file.
        var output = random.NextDouble() switch
        {
            < 0.03 => null,
            < 0.08 => g.Pick(FuzzValues.OutputPaths),
            _ => "out/bundle",
        };
        if (output is not null)
        {
            request.Properties.Add((BundleOutputPath, output));
        }

        var propertyCount = clean ? random.Next(0, 6) : random.Next(0, 12);
        for (var i = 0; i < propertyCount; i++)
        {
            request.Properties.Add(g.Property());
        }

        // Only a fraction gets a base rootfs: reading one is the slow part of a build.
        if (random.NextDouble() < (clean ? 0.12 : 0.08))
        {
            request.Properties.Add((BaseRootfs, clean ? g.Pick(inputs.Combine("tree"), inputs.Combine("base.tar"), inputs.Combine("base.tar.gz")) : g.Pick(inputs.BaseRootfsValues)));
        }

        if (clean || random.NextDouble() < 0.8)
        {
            var entrypoint = clean ? g.Pick("/bin/sh", "/app/run", "/ü x") : g.Text(["/bin/sh", "sh"]);
            request.Items.Add(new GeneratedItem(Entrypoint, entrypoint, []));
            if (clean || random.NextDouble() < 0.5)
            {
                // The program itself, so the rootfs checks (OCIB3016 and on) can pass.
                request.Items.Add(new GeneratedItem(RootfsFile, inputs.Combine("program"), [("TargetPath", entrypoint.StartsWith('/') ? entrypoint : "/bin/" + entrypoint)]));
            }
        }

        var typeCount = clean ? random.Next(0, 4) : random.Next(0, 7);
        for (var i = 0; i < typeCount; i++)
        {
            var type = g.Pick(ItemTypes);
            var count = random.Next(1, 4);
            for (var j = 0; j < count; j++)
            {
                request.Items.Add(g.Item(type));
            }
        }

        return request;
    }

    /// <summary>Text that is not from any pool: nasty strings, random unicode, very long strings.</summary>
    public static string Junk(Random random) => random.NextDouble() switch
    {
        < 0.5 => FuzzValues.Nasty[random.Next(FuzzValues.Nasty.Length)],
        < 0.85 => RandomText(random, random.Next(1, 24)),
        _ => new string((char)random.Next('a', 'z' + 1), random.Next(2) == 0 ? 256 : 5000),
    };

    private static string RandomText(Random random, int length)
    {
        var text = new StringBuilder();
        for (var i = 0; i < length; i++)
        {
            switch (random.Next(10))
            {
                case < 5:
                    text.Append((char)random.Next(0x20, 0x7F));
                    break;
                case 5:
                    text.Append((char)random.Next(0, 0x20));
                    break;
                case 6:
                    text.Append((char)random.Next(0xA0, 0x250));
                    break;
                case 7:
                    text.Append((char)random.Next(0x4E00, 0x4F00));
                    break;
                case 8:
                    text.Append(char.ConvertFromUtf32(random.Next(0x1F600, 0x1F650)));
                    break;
                default:
                    text.Append((char)random.Next(0xD800, 0xE000)); // a lone surrogate
                    break;
            }
        }

        return text.ToString();
    }
}
