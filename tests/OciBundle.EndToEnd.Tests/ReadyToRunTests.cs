using System.Reflection.PortableExecutable;

namespace OciBundle.EndToEnd.Tests;

/// <summary>
/// The package carries the tasks twice: tasks/net8.0/ (IL, for .NET 8 and 9 SDKs) and
/// tasks/net10.0/ precompiled (ReadyToRun), which MSBuild on .NET 10 loads so it does not JIT the
/// tasks in every build (docs/performance.md, "ReadyToRun"). These fail when the pack loses the
/// precompiled code or the targets stop choosing it.
/// </summary>
[Collection(SdkFeedCollection.Name)]
public sealed class ReadyToRunTests(SdkFeed feed)
{
    // READYTORUN_HEADER.Signature, "RTR" (the runtime's readytorun.h).
    private const uint ReadyToRunSignature = 0x00525452;

    // .NET 8's crossgen2 writes format 9.x, which the .NET 10 runtime rejects (it then JITs everything).
    private const ushort DotNet8MajorVersion = 9;

    [Theory]
    [InlineData("OciBundle.Tasks.dll")]
    [InlineData("OciBundle.dll")]
    [InlineData("ZstdSharp.dll")]
    [InlineData("ICSharpCode.SharpZipLib.dll")]
    public void The_packed_net10_task_assemblies_hold_ReadyToRun_code_of_the_net10_format(string name)
    {
        // The native code is for linux-x64; other machines JIT the IL kept in the same file.
        var major = ReadyToRunMajorVersion(feed.ReadPackageFile("tasks/net10.0/" + name));

        Assert.True(major > DotNet8MajorVersion, $"{name}: ReadyToRun format {major}, one the .NET 10 runtime rejects");
    }

    [Fact]
    public void The_packed_net8_task_assemblies_stay_IL_only()
    {
        using var pe = new PEReader(new MemoryStream(feed.ReadPackageFile("tasks/net8.0/OciBundle.Tasks.dll")));
        Assert.Equal(0, pe.PEHeaders.CorHeader!.ManagedNativeHeaderDirectory.Size);
        Assert.True((pe.PEHeaders.CorHeader.Flags & CorFlags.ILOnly) != 0);
    }

    [Fact]
    public void MSBuild_on_dotnet_10_loads_the_precompiled_tasks()
    {
        Assert.True(Environment.Version.Major >= 10, "the tests run on the .NET 10 SDK, as MSBuild does");
        var project = Projects.CreateShow(feed, "r2r-load");

        var build = project.BuildSucceeds("-v:d");

        Assert.Contains("/tasks/net10.0/OciBundle.Tasks.dll", build.StdOut);
        Assert.DoesNotContain("/tasks/net8.0/OciBundle.Tasks.dll", build.StdOut);
    }

    private static ushort ReadyToRunMajorVersion(byte[] assembly)
    {
        using var pe = new PEReader(new MemoryStream(assembly));
        var native = pe.PEHeaders.CorHeader!.ManagedNativeHeaderDirectory;
        Assert.True(native.Size > 0, "no ManagedNativeHeader: the assembly has no ReadyToRun code");
        Assert.True(pe.PEHeaders.TryGetDirectoryOffset(native, out var offset), "the ManagedNativeHeader points outside the file");
        var signature = BitConverter.ToUInt32(assembly, offset);
        Assert.Equal(ReadyToRunSignature, signature);
        return BitConverter.ToUInt16(assembly, offset + 4);
    }
}
