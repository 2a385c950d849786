using System.Runtime.Versioning;
using OciBundle.Diagnostics;
using OciBundle.Platform;
using OciBundle.Request;
using OciBundle.Rootfs;
using OciBundle.Settings;
using OciBundle.Steps;
using OciBundle.Tests.Building;
using OciBundle.Tests.Support;
using OciBundle.Validation;

namespace OciBundle.Tests.Validation;

/// <summary>The entrypoint and working directory checked against the finished rootfs.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class RootfsRulesTests : IDisposable
{
    private static readonly byte[] ElfAmd64 = ElfHeader(62, littleEndian: true);
    private static readonly byte[] ElfArm64 = ElfHeader(183, littleEndian: true);
    private readonly TempDirectory _temp = new();
    private readonly RootfsTree _tree = new();

    public void Dispose() => _temp.Dispose();

    private static byte[] ElfHeader(int machine, bool littleEndian)
    {
        var head = new byte[64];
        "\u007fELF"u8.CopyTo(head);
        head[4] = 2; // 64-bit
        head[5] = (byte)(littleEndian ? 1 : 2);
        head[18] = (byte)(littleEndian ? machine & 0xff : machine >> 8);
        head[19] = (byte)(littleEndian ? machine >> 8 : machine & 0xff);
        return head;
    }

    private void File(string path, byte[] content, int mode = 0b111_101_101)
    {
        var host = _temp.Combine(Guid.NewGuid().ToString("N"));
        System.IO.File.WriteAllBytes(host, content);
        _tree.Add(new RootfsEntry { Path = path, Type = RootfsEntryType.RegularFile, Mode = mode, SourcePath = host, Size = content.Length });
    }

    private void Link(string path, string target) =>
        _tree.Add(new RootfsEntry { Path = path, Type = RootfsEntryType.SymbolicLink, Mode = 511, LinkTarget = target });

    private List<string> Codes(BundleRequest request)
    {
        var diagnostics = new DiagnosticBag();
        var spec = SpecBuilder.Build(request, diagnostics);
        RootfsRules.Check(diagnostics, SettingsReader.Read(new RequestReader(request, new DiagnosticBag())), spec, _tree);
        return diagnostics.Items.Select(d => d.Code).ToList();
    }

    private static BundleRequest Entrypoint(string program, string architecture = "amd64") =>
        new BundleRequest().With(SurfaceNames.TargetArchitecture, architecture).WithItem(SurfaceNames.Entrypoint, program);

    [Fact]
    public void An_absolute_program_of_the_target_architecture_passes()
    {
        File("bin/app", ElfAmd64);
        Assert.Empty(Codes(Entrypoint("/bin/app")));
    }

    [Fact]
    public void A_bare_name_is_found_on_the_specs_PATH_through_links()
    {
        File("usr/bin/busybox", ElfAmd64);
        Link("bin", "usr/bin");
        Link("usr/bin/sh", "busybox");
        Assert.Empty(Codes(Entrypoint("sh")));
        Assert.Equal(["OCIB3016"], Codes(Entrypoint("bash")));
        Assert.Equal(["OCIB3016"], Codes(Entrypoint("sh").WithItem(SurfaceNames.EnvironmentVariable, "PATH", ("Value", "/opt/bin"))));
    }

    [Fact]
    public void A_missing_or_not_executable_entrypoint_is_coded()
    {
        File("bin/data", ElfAmd64, mode: 0b110_100_100);
        Assert.Equal(["OCIB3016"], Codes(Entrypoint("/bin/app")));
        Assert.Equal(["OCIB3017"], Codes(Entrypoint("/bin/data")));
    }

    [Fact]
    public void A_link_out_of_the_rootfs_is_resolved_inside_it()
    {
        Link("bin/app", "/../../../usr/bin/env"); // the host's env must not count
        Assert.Equal(["OCIB3016"], Codes(Entrypoint("/bin/app")));
    }

    [Fact]
    public void The_ELF_machine_must_match_the_target_architecture()
    {
        File("bin/app", ElfArm64);
        Assert.Equal(["OCIB3020"], Codes(Entrypoint("/bin/app")));
        Assert.Empty(Codes(Entrypoint("/bin/app", "arm64")));
    }

    [Fact]
    public void Scripts_need_their_interpreter_and_unix_line_ends()
    {
        File("bin/sh", ElfAmd64);
        File("app/run.sh", "#!/bin/sh\necho hi\n"u8.ToArray());
        File("app/crlf.sh", "#!/bin/sh\r\necho hi\r\n"u8.ToArray());
        File("app/py.sh", "#! /usr/bin/python3 -u\nprint(1)\n"u8.ToArray());
        File("app/arm.sh", "#!/bin/armsh\n"u8.ToArray());
        File("bin/armsh", ElfArm64);
        Assert.Empty(Codes(Entrypoint("/app/run.sh")));
        Assert.Equal(["OCIB3019"], Codes(Entrypoint("/app/crlf.sh")));
        Assert.Equal(["OCIB3018"], Codes(Entrypoint("/app/py.sh")));
        Assert.Equal(["OCIB3020"], Codes(Entrypoint("/app/arm.sh")));
    }

    [Fact]
    public void A_file_that_is_neither_ELF_nor_script_is_OCIB3022()
    {
        File("app/run", "echo no shebang\n"u8.ToArray());
        Assert.Equal(["OCIB3022"], Codes(Entrypoint("/app/run")));
    }

    [Fact]
    public void A_missing_working_directory_is_a_warning()
    {
        File("bin/app", ElfAmd64);
        _tree.Add(new RootfsEntry { Path = "srv", Type = RootfsEntryType.Directory, Mode = 493 });
        Assert.Empty(Codes(Entrypoint("/bin/app").With(SurfaceNames.WorkingDirectory, "/srv")));
        Assert.Equal(["OCIB3021"], Codes(Entrypoint("/bin/app").With(SurfaceNames.WorkingDirectory, "/work")));
    }

    [Fact]
    public void The_ELF_reader_handles_both_byte_orders_and_refuses_other_files()
    {
        Assert.True(OciBundle.ElfFormat.ElfReader.TryReadMachine(ElfHeader(22, littleEndian: false), out var s390));
        Assert.Equal(22, s390);
        Assert.False(OciBundle.ElfFormat.ElfReader.TryReadMachine("#!/bin/sh\n"u8, out _));
        Assert.False(OciBundle.ElfFormat.ElfReader.TryReadMachine(ElfAmd64.AsSpan(0, 10), out _));
        Assert.True(OciBundle.ElfFormat.ElfReader.TryReadMachine(System.IO.File.ReadAllBytes("/proc/self/exe").AsSpan(0, 64), out var self));
        Assert.Equal(TargetArchitecture.FromHost(System.Runtime.InteropServices.RuntimeInformation.OSArchitecture).ElfMachine, self);
    }
}
