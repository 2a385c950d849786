using System.Formats.Tar;
using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace OciBundle.EndToEnd.Tests;

/// <summary>
/// .NET console apps as bundles: the publish output under /app, the inferred entrypoint, and a
/// rootfs with no base image. Each publish takes several seconds, so the cases are few and each
/// checks much.
/// </summary>
[Collection(SdkFeedCollection.Name)]
public sealed class DotNetAppTests(SdkFeed feed, ITestOutputHelper output)
{
    internal const string Program = """
        Console.WriteLine($"hello {string.Join(' ', args)}");
        Console.WriteLine($"cwd={Environment.CurrentDirectory}");
        Console.WriteLine($"runtime={System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier}");
        """;

    /// <summary>What 'dotnet new console' writes, plus the one line this SDK asks for.</summary>
    internal static string ConsoleProject(string extraProperties = "") => $"""
        <Project Sdk="Microsoft.NET.Sdk">
          <Sdk Name="OciBundle.Sdk" Version="{"{Version}"}" />
          <PropertyGroup>
            <OutputType>Exe</OutputType>
            <TargetFramework>net10.0</TargetFramework>
            <ImplicitUsings>enable</ImplicitUsings>
            <Nullable>enable</Nullable>
            {extraProperties}
          </PropertyGroup>
        </Project>
        """;

    private TestProject Create(string name, string projectXml)
    {
        var project = feed.CreateProject(name, projectXml, ("Program.cs", Program, false));
        var csproj = Path.ChangeExtension(project.ProjectFile, ".csproj");
        File.Move(project.ProjectFile, csproj);
        return new TestProject(feed, project.Directory, csproj, "net10.0");
    }

    [Fact]
    public void A_console_project_with_only_the_Sdk_line_runs_self_contained_on_a_rootfs_of_the_app_and_its_libraries()
    {
        var project = Create("console-app", ConsoleProject());
        var build = project.BuildSucceeds();

        // At normal verbosity the build says what it chose and added, besides the '->' line.
        Assert.Contains("OciBundle: published self-contained for linux-x64: no OciBaseRootfs", build.StdOut);
        Assert.Contains("OciBundle: invariant globalization is on (DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=true)", build.StdOut);
        Assert.Contains("set InvariantGlobalization=false and list libicu as OciSharedLibrary items", build.StdOut);
        Assert.Matches(new Regex(@"OCIB3065: OciIncludeSharedLibraries added [0-9]+ files from OciSysroot '/': .*libc\.so\.6"), build.StdOut);

        using var config = JsonDocument.Parse(File.ReadAllText(project.BundleFile("config.json")));
        var process = config.RootElement.GetProperty("process");
        Assert.Equal(["/app/console-app"], process.GetProperty("args").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal("/app", process.GetProperty("cwd").GetString());
        Assert.Contains("DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=true", process.GetProperty("env").EnumerateArray().Select(e => e.GetString()));

        // The rootfs holds the app, the loader and the libraries the runtime's native files
        // need, the mount points, and nothing else.
        var entries = RootfsEntries(project.BundleFile("rootfs.tar.gz"));
        output.WriteLine(string.Join('\n', entries));
        var outsideApp = entries.Where(e => !e.StartsWith("app/", StringComparison.Ordinal)).ToList();
        Assert.All(outsideApp, e => Assert.Matches(@"^(dev|proc|sys|lib|lib64|usr|usr/lib|usr/lib64|usr/lib/x86_64-linux-gnu|app)/?$|^usr/lib(64)?/(x86_64-linux-gnu/)?(ld-linux-x86-64\.so\.2|lib(c|m|dl|rt|pthread|gcc_s|stdc\+\+)\.so[.0-9]*)$", e));
        Assert.Contains("app/console-app", entries);
        Assert.Contains("app/libcoreclr.so", entries);
        Assert.DoesNotContain("app/libcoreclrtraceptprovider.so", entries);
        Assert.Contains(entries, e => e.EndsWith("libc.so.6", StringComparison.Ordinal));

        if (Runc.Usable(output))
        {
            var run = Runc.Run(Runc.Unpack(project.BundleDirectory));
            Assert.True(run.ExitCode == 0, run.All);
            Assert.Equal(["hello ", "cwd=/app", "runtime=linux-x64"], run.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }
    }

    [Fact]
    public void A_runtime_identifier_alone_is_self_contained_in_its_own_folder_and_another_architecture_without_a_sysroot_is_one_error()
    {
        var project = Create("rid-only", ConsoleProject("<InvariantGlobalization>true</InvariantGlobalization>"));

        // -r no longer implies self-contained to the .NET SDK; with no base rootfs it must still be.
        var build = project.BuildSucceeds("-r", "linux-x64");
        Assert.Contains("OciBundle: published self-contained for linux-x64", build.StdOut);
        var bundle = Path.Combine(project.Directory, "bin", "Debug", "net10.0", "linux-x64", "oci-bundle");
        Assert.True(File.Exists(Path.Combine(bundle, "config.json")), build.All);
        if (Runc.Usable(output))
        {
            var run = Runc.Run(Runc.Unpack(bundle));
            Assert.True(run.ExitCode == 0, run.All);
            Assert.Contains("runtime=linux-x64", run.StdOut);
        }

        // arm64 on this x64 machine with the default OciSysroot '/': one cause, one error with both fixes,
        // not one OCIB3051 per library per file. (MSBuild repeats each error in its summary.)
        var arm64 = project.Build("-p:OciTargetArchitecture=arm64");
        Assert.NotEqual(0, arm64.ExitCode);
        var errors = arm64.StdOut.Split('\n').Where(l => l.Contains(": error ", StringComparison.Ordinal)).Select(l => Regex.Replace(l.Trim(), "^[0-9]+>", "")).Distinct().ToList();
        var error = Assert.Single(errors);
        Assert.Contains("error OCIB3063: The rootfs holds programs for arm64", error);
        Assert.Contains("apt-get download libc6:arm64 libstdc++6:arm64 libgcc-s1:arm64", error);
        Assert.Contains("dpkg-deb -x", error);
        Assert.Contains("OciBaseRootfs", error);
        Assert.False(File.Exists(Path.Combine(project.Directory, "bin", "Debug", "net10.0", "linux-arm64", "oci-bundle", "config.json"))); // no bundle written
    }

    /// <summary>
    /// arm64 on this x64 machine from a real Debian arm64 sysroot (build/arm64-sysroot.sh; .ci/run makes it
    /// and sets OCIB_ARM64_SYSROOT): every ELF file of the rootfs is for AArch64, seccomp lists the arm64
    /// architectures, and the bundle sits in the linux-arm64 folder beside the x64 one. It runs under runc
    /// with a qemu-aarch64 binfmt handler (.ci/run registers qemu-user-static's with
    /// build/qemu-aarch64-binfmt.sh); where the kernel has none, the bundle is checked by ELF machine only
    /// and the test says so in its output.
    /// </summary>
    [Fact]
    public void An_arm64_app_from_a_Debian_arm64_sysroot_is_AArch64_in_every_ELF_file_in_its_own_folder()
    {
        var sysroot = Environment.GetEnvironmentVariable("OCIB_ARM64_SYSROOT");
        if (string.IsNullOrEmpty(sysroot))
        {
            Assert.False(Runc.IsCI, "CI=true but OCIB_ARM64_SYSROOT is not set: .ci/run makes it with build/arm64-sysroot.sh");
            output.WriteLine("SKIPPED: OCIB_ARM64_SYSROOT is not set; make one with build/arm64-sysroot.sh DIR and export it");
            return;
        }

        var project = Create("arm64-app", ConsoleProject("<InvariantGlobalization>true</InvariantGlobalization>"));
        project.BuildSucceeds();
        var x64Config = File.ReadAllText(project.BundleFile("config.json"));
        var build = project.BuildSucceeds("-p:OciTargetArchitecture=arm64", $"-p:OciSysroot={sysroot}");
        Assert.Contains("OciBundle: published self-contained for linux-arm64", build.StdOut);
        var bundle = Path.Combine(project.Directory, "bin", "Debug", "net10.0", "linux-arm64", "oci-bundle");
        Assert.Equal(x64Config, File.ReadAllText(project.BundleFile("config.json"))); // the x64 bundle is untouched

        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(bundle, "config.json")));
        var architectures = config.RootElement.GetProperty("linux").GetProperty("seccomp").GetProperty("architectures");
        Assert.Equal(["SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM"], architectures.EnumerateArray().Select(a => a.GetString()));

        // Every ELF file: e_machine (little-endian u16 at offset 18) is EM_AARCH64.
        var machines = ElfMachines(Path.Combine(bundle, "rootfs.tar.gz"));
        output.WriteLine(string.Join('\n', machines.Select(m => $"{m.Key} {m.Value}")));
        Assert.Contains("app/arm64-app", machines.Keys);
        Assert.Contains("app/libcoreclr.so", machines.Keys);
        Assert.Contains(machines.Keys, name => name.EndsWith("libc.so.6", StringComparison.Ordinal));
        Assert.Contains(machines.Keys, name => name.EndsWith("ld-linux-aarch64.so.1", StringComparison.Ordinal));
        Assert.All(machines, m => Assert.True(m.Value == 183, $"{m.Key} has ELF machine {m.Value}, not 183 (AArch64)"));

        if (!File.Exists("/proc/sys/fs/binfmt_misc/qemu-aarch64"))
        {
            output.WriteLine("NOT RUN: no qemu-aarch64 binfmt handler on this machine (/proc/sys/fs/binfmt_misc/qemu-aarch64): the bundle is checked by ELF machine only");
            return;
        }

        if (Runc.Usable(output))
        {
            // qemu-user is an x64 process making x64 system calls, which the arm64-only seccomp filter
            // rightly refuses ("cannot set %fs base address"); so the emulated run goes without it.
            var unpacked = Runc.Unpack(bundle);
            var unpackedConfig = Path.Combine(unpacked, "config.json");
            var node = JsonNode.Parse(File.ReadAllText(unpackedConfig))!;
            Assert.True(node["linux"]!.AsObject().Remove("seccomp"));
            File.WriteAllText(unpackedConfig, node.ToJsonString());
            var run = Runc.Run(unpacked);
            Assert.True(run.ExitCode == 0, run.All);
            Assert.Equal(["hello ", "cwd=/app", "runtime=linux-arm64"], run.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }
    }

    private static Dictionary<string, int> ElfMachines(string tarball)
    {
        using var gzip = new GZipStream(File.OpenRead(tarball), CompressionMode.Decompress);
        using var reader = new TarReader(gzip);
        var machines = new Dictionary<string, int>();
        var header = new byte[20];
        while (reader.GetNextEntry() is { } entry)
        {
            if (entry.EntryType != TarEntryType.RegularFile || entry.DataStream is not { } data)
            {
                continue;
            }

            var read = data.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
            if (read == header.Length && header[0] == 0x7F && header[1] == (byte)'E' && header[2] == (byte)'L' && header[3] == (byte)'F')
            {
                machines[entry.Name] = header[18] | (header[19] << 8);
            }
        }

        return machines;
    }

    [Theory]
    [InlineData("single-file", "<PublishSingleFile>true</PublishSingleFile>")]
    [InlineData("trimmed", "<PublishTrimmed>true</PublishTrimmed>")]
    public void Single_file_and_trimmed_publishes_run_on_a_minimal_rootfs(string name, string publishProperty)
    {
        var project = Create(name, ConsoleProject($"""
            <RuntimeIdentifier>linux-x64</RuntimeIdentifier>
            <SelfContained>true</SelfContained>
            <InvariantGlobalization>true</InvariantGlobalization>
            <!-- A RuntimeIdentifier adds a folder to OutputPath; keep the bundle where the test looks. -->
            <OciBundleOutputPath>bin/Debug/net10.0/oci-bundle/</OciBundleOutputPath>
            {publishProperty}
            """));
        project.BuildSucceeds();

        var entries = RootfsEntries(project.BundleFile("rootfs.tar.gz"));
        output.WriteLine(string.Join('\n', entries));
        Assert.Contains($"app/{name}", entries);
        if (name == "single-file")
        {
            // One executable holds the app and the runtime; nothing else is published beside it
            // but the symbols.
            Assert.DoesNotContain(entries, e => e.StartsWith("app/", StringComparison.Ordinal) && e != $"app/{name}" && !e.EndsWith(".pdb", StringComparison.Ordinal));
        }
        else
        {
            Assert.DoesNotContain("app/System.Xml.dll", entries); // trimmed away: the app does not use it
        }

        if (Runc.Usable(output))
        {
            var run = Runc.Run(Runc.Unpack(project.BundleDirectory));
            Assert.True(run.ExitCode == 0, run.All);
            Assert.Equal(["hello ", "cwd=/app", "runtime=linux-x64"], run.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }
    }

    [Fact]
    public void A_NativeAOT_app_is_its_native_program_and_the_libraries_it_loads_and_runs_under_runc()
    {
        var project = Create("native-aot", ConsoleProject("""
            <PublishAot>true</PublishAot>
            <InvariantGlobalization>true</InvariantGlobalization>
            """));
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        project.BuildSucceeds();
        output.WriteLine($"NativeAOT bundle build: {stopwatch.Elapsed.TotalSeconds:F0} s");

        using var config = JsonDocument.Parse(File.ReadAllText(project.BundleFile("config.json")));
        Assert.Equal(["/app/native-aot"], config.RootElement.GetProperty("process").GetProperty("args").EnumerateArray().Select(a => a.GetString()));

        // The native program, the loader and the C libraries it needs; no assemblies, no runtime.
        var entries = RootfsEntries(project.BundleFile("rootfs.tar.gz"));
        output.WriteLine(string.Join('\n', entries));
        Assert.Contains("app/native-aot", entries);
        Assert.DoesNotContain(entries, e => e.EndsWith(".dll", StringComparison.Ordinal) || e.EndsWith(".json", StringComparison.Ordinal));
        Assert.DoesNotContain("app/libcoreclr.so", entries);
        var files = entries.Where(e => e.Contains(".so", StringComparison.Ordinal) || e.StartsWith("app/", StringComparison.Ordinal)).ToList();
        Assert.All(files, e => Assert.Matches(@"^app/native-aot(\.dbg)?$|^usr/lib(64)?/(x86_64-linux-gnu/)?(ld-linux-x86-64\.so\.2|lib(c|m|dl|rt|pthread|gcc_s|z)\.so[.0-9]*)$", e));
        Assert.Contains(entries, e => e.EndsWith("libc.so.6", StringComparison.Ordinal));

        if (Runc.Usable(output))
        {
            var run = Runc.Run(Runc.Unpack(project.BundleDirectory));
            Assert.True(run.ExitCode == 0, run.All);
            Assert.Equal(["hello ", "cwd=/app", "runtime=linux-x64"], run.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }
    }

    [Fact]
    public void A_framework_dependent_app_runs_on_a_base_rootfs_with_dotnet_and_is_OCIB3050_on_one_without()
    {
        var project = Create("framework-dependent", ConsoleProject("""
            <InvariantGlobalization>true</InvariantGlobalization>
            <OciBaseRootfs>base</OciBaseRootfs>
            <OciIncludeSharedLibraries>true</OciIncludeSharedLibraries>
            <OciRootfsFormat>directory</OciRootfsFormat>
            """));
        MakeBaseWithDotnet(Path.Combine(project.Directory, "base"));
        Directory.CreateDirectory(Path.Combine(project.Directory, "empty", "etc"));

        // The runtime's files but no loader or libc: runc would say "no such file or directory".
        var cannotStart = project.Build("-p:OciIncludeSharedLibraries=false");
        Assert.NotEqual(0, cannotStart.ExitCode);
        var startError = cannotStart.StdOut.Split('\n').FirstOrDefault(l => l.Contains("error OCIB3064: '/usr/bin/dotnet'", StringComparison.Ordinal));
        Assert.True(startError is not null, cannotStart.All);
        Assert.Contains("dynamic loader '/lib64/ld-linux-x86-64.so.2'", startError);
        Assert.Contains("'libc.so.6'", startError);

        var missing = project.Build("-p:OciBaseRootfs=empty");
        Assert.NotEqual(0, missing.ExitCode);
        var error = missing.StdOut.Split('\n').FirstOrDefault(l => l.Contains("error OCIB3050:", StringComparison.Ordinal));
        Assert.True(error is not null, missing.All);
        Assert.Contains("'framework-dependent' is a framework-dependent .NET app", error);
        Assert.Contains("SelfContained=true", error);

        project.BuildSucceeds();
        using var config = JsonDocument.Parse(File.ReadAllText(project.BundleFile("config.json")));
        Assert.Equal(["/app/framework-dependent"], config.RootElement.GetProperty("process").GetProperty("args").EnumerateArray().Select(a => a.GetString()));
        Assert.False(File.Exists(Path.Combine(project.BundleFile("rootfs"), "app", "libcoreclr.so"))); // not self-contained

        if (Runc.Usable(output))
        {
            var run = Runc.Run(project.BundleDirectory);
            Assert.True(run.ExitCode == 0, run.All);
            Assert.Contains("cwd=/app", run.StdOut);
        }
    }

    [Fact]
    public void A_multi_targeted_project_builds_one_bundle_per_framework_in_its_own_folder()
    {
        var project = feed.CreateProject("multi-target", $"""
            <Project Sdk="Microsoft.Build.NoTargets/3.7.0">
              <Sdk Name="OciBundle.Sdk" Version="{"{Version}"}" />
              <PropertyGroup>
                <TargetFrameworks>net8.0;net10.0</TargetFrameworks>
              </PropertyGroup>
              <ItemGroup>
                <OciRootfsFile Include="{Projects.Busybox}" TargetPath="/bin/busybox" />
                <OciEntrypoint Include="/bin/busybox" />
                <OciArgs Include="echo;$(TargetFramework)" />
              </ItemGroup>
            </Project>
            """);
        project.BuildSucceeds();
        foreach (var framework in new[] { "net8.0", "net10.0" })
        {
            var config = Path.Combine(project.Directory, "bin", "Debug", framework, "oci-bundle", "config.json");
            Assert.True(File.Exists(config), framework);
            Assert.Contains($"\"{framework}\"", File.ReadAllText(config));
        }

        var shared = project.Build("-p:OciBundleOutputPath=out/");
        Assert.NotEqual(0, shared.ExitCode);
        Assert.Matches(new Regex("error OCIB1074: TargetFrameworks 'net8.0;net10.0' gives one bundle per framework"), shared.StdOut);
    }

    /// <summary>A root filesystem with this machine's .NET runtime in /usr/share/dotnet and 'dotnet' on PATH (libraries come from OciIncludeSharedLibraries).</summary>
    internal static void MakeBaseWithDotnet(string folder)
    {
        var frameworks = Path.GetDirectoryName(Path.GetDirectoryName(typeof(object).Assembly.Location)!)!; // …/shared/Microsoft.NETCore.App
        var version = Path.GetFileName(Path.GetDirectoryName(typeof(object).Assembly.Location)!);
        var installRoot = Path.GetDirectoryName(Path.GetDirectoryName(frameworks)!)!;
        var target = Path.Combine(folder, "usr", "share", "dotnet");
        Copy(Path.Combine(installRoot, "host"), Path.Combine(target, "host"));
        Copy(Path.Combine(frameworks, version), Path.Combine(target, "shared", "Microsoft.NETCore.App", version));
        File.Copy(Path.Combine(installRoot, "dotnet"), Path.Combine(target, "dotnet"));
        Directory.CreateDirectory(Path.Combine(folder, "usr", "bin"));
        File.CreateSymbolicLink(Path.Combine(folder, "usr", "bin", "dotnet"), "../share/dotnet/dotnet");

        // The base keeps the runtime's libcoreclrtraceptprovider.so (which needs liblttng-ust): it must not fail OciIncludeSharedLibraries.
        Assert.True(File.Exists(Path.Combine(target, "shared", "Microsoft.NETCore.App", version, "libcoreclrtraceptprovider.so")));
    }

    /// <summary>
    /// The everyday loop on the default app, in one test to spend few builds: the same sources in
    /// another folder give the same bytes (deterministic source paths in the bundle's publish);
    /// a build with nothing changed is up to date and writes nothing; a one-line change is built
    /// and runs.
    /// </summary>
    [Fact]
    public void The_default_app_is_the_same_from_any_folder_up_to_date_when_unchanged_and_rebuilt_on_a_change()
    {
        var project = Create("loop-app", ConsoleProject());
        var copy = project.CopyTo("loop-app-elsewhere");
        var elsewhere = new TestProject(feed, copy.Directory, copy.ProjectFile, "net10.0");
        project.BuildSucceeds();
        elsewhere.BuildSucceeds();
        Assert.Equal(File.ReadAllBytes(project.BundleFile("config.json")), File.ReadAllBytes(elsewhere.BundleFile("config.json")));
        Assert.Equal(File.ReadAllBytes(project.BundleFile("rootfs.tar.gz")), File.ReadAllBytes(elsewhere.BundleFile("rootfs.tar.gz")));

        var written = BundleWriteTimes(project);
        var again = project.BuildSucceeds();
        Assert.Contains(", up to date)", again.StdOut, StringComparison.Ordinal);
        Assert.Equal(written, BundleWriteTimes(project));

        File.WriteAllText(Path.Combine(project.Directory, "Program.cs"), "Console.WriteLine(\"changed by one line\");\n");
        var changed = project.BuildSucceeds();
        Assert.DoesNotContain(", up to date)", changed.StdOut, StringComparison.Ordinal);
        if (Runc.Usable(output))
        {
            var run = Runc.Run(Runc.Unpack(project.BundleDirectory));
            Assert.True(run.ExitCode == 0, run.All);
            Assert.Equal("changed by one line", run.StdOut.Trim());
        }
    }

    private static Dictionary<string, DateTime> BundleWriteTimes(TestProject project) =>
        Directory.GetFiles(project.BundleDirectory, "*", SearchOption.AllDirectories).ToDictionary(f => f, File.GetLastWriteTimeUtc);

    private static void Copy(string from, string to)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(to)!);
        var copy = ProcessResult.Run("cp", ["-a", from, to]);
        Assert.True(copy.ExitCode == 0, copy.All);
    }

    private static List<string> RootfsEntries(string tarball)
    {
        using var gzip = new GZipStream(File.OpenRead(tarball), CompressionMode.Decompress);
        using var reader = new TarReader(gzip);
        var names = new List<string>();
        while (reader.GetNextEntry() is { } entry)
        {
            names.Add(entry.Name.TrimEnd('/'));
        }

        return names;
    }
}
