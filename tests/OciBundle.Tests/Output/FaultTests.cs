using System.Runtime.Versioning;
using System.Text;
using OciBundle.Diagnostics;
using OciBundle.Output;
using OciBundle.Platform;
using OciBundle.Request;
using OciBundle.Settings;
using OciBundle.Tests.Building;
using OciBundle.Tests.Support;

namespace OciBundle.Tests.Output;

/// <summary>
/// Hostile inputs and faults (issue 10), in-process: files that are not regular, oversized JSON,
/// folders that cannot be listed, foreign output folders, killed builds' staging, the last guard.
/// Each class has its end-to-end twin in OciBundle.EndToEnd.Tests/FaultTests.cs where it matters.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class FaultTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly List<Diagnostic> _reported = [];

    public void Dispose() => _temp.Dispose();

    private static readonly string HostShell = new FileInfo("/bin/sh").ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? "/bin/sh";

    private string Output => _temp.Combine("out", "oci-bundle");

    private string Stamp => _temp.Combine("obj", "oci-bundle.stamp");

    private BundleRequest Request(params (string Name, string Value)[] properties)
    {
        var request = RequestBuilder.Defaults()
            .With(SurfaceNames.BundleOutputPath, Output)
            .With(BundleOptions.StampFileProperty, Stamp)
            .WithItem(SurfaceNames.RootfsFile, "sh", ("FullPath", HostShell), ("TargetPath", "/bin/sh"));
        foreach (var (name, value) in properties)
        {
            request.With(name, value);
        }

        return request;
    }

    private BundleResult Generate(BundleRequest request)
    {
        var result = BundleGenerator.Generate(request, _reported.Add);
        Assert.True(result is not null, string.Join("\n", _reported));
        return result;
    }

    /// <summary>Runs a build that must fail with exactly <paramref name="code"/>, within a time limit (a hang fails the test, not the run).</summary>
    private Diagnostic Fails(BundleRequest request, string code)
    {
        Assert.Null(Bounded(request));
        var diagnostic = _reported.FirstOrDefault(d => d.Severity == DiagnosticSeverity.Error && d.Code == code);
        Assert.True(diagnostic is not null, $"no {code} in:\n" + string.Join("\n", _reported));
        return diagnostic;
    }

    /// <summary>Generates on a thread of its own, so a hang fails the test after a minute instead of stopping the run.</summary>
    private BundleResult? Bounded(BundleRequest request)
    {
        BundleResult? result = null;
        var thread = new Thread(() => result = BundleGenerator.Generate(request, _reported.Add)) { IsBackground = true };
        thread.Start();
        Assert.True(thread.Join(TimeSpan.FromSeconds(60)), "the build hung");
        return result;
    }

    private string Fifo(string name)
    {
        var path = _temp.Combine(name);
        ProcessRunner.Run("mkfifo", path).EnsureSuccess();
        return path;
    }

    private static Dictionary<string, byte[]> Snapshot(string folder) =>
        Directory.GetFiles(folder, "*", SearchOption.AllDirectories).ToDictionary(f => f, File.ReadAllBytes);

    private static void AssertSame(Dictionary<string, byte[]> before, string folder)
    {
        Assert.Equal(before.Keys.Order(StringComparer.Ordinal), Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal));
        Assert.All(before, pair => Assert.Equal(pair.Value, File.ReadAllBytes(pair.Key)));
    }

    // Item 4: files that are not regular, and caps.
    [Theory]
    [InlineData(SurfaceNames.SeccompProfile, "OCIB3041")]
    [InlineData(SurfaceNames.PluginConfig, "OCIB4002")]
    public void A_fifo_or_device_as_a_JSON_input_is_its_unreadable_code_and_never_hangs(string property, string code)
    {
        var cases = new[]
        {
            (Fifo("input.json"), "it is a fifo, not a regular file"),
            ("/dev/zero", "it is a character device, not a regular file"),
            (_temp.Path, "it is a folder, not a regular file"),
        };
        foreach (var (path, reason) in cases)
        {
            _reported.Clear();
            Assert.Contains(reason, Fails(Request((property, path)), code).Message);
        }
    }

    [Theory]
    [InlineData(SurfaceNames.SeccompProfile)]
    [InlineData(SurfaceNames.PluginConfig)]
    public void A_JSON_input_over_the_cap_is_OCIB3031(string property)
    {
        var big = _temp.Combine("big.json");
        File.WriteAllBytes(big, Encoding.ASCII.GetBytes("[" + new string(' ', InputFiles.MaxJsonBytes) + "]"));
        var diagnostic = Fails(Request((property, big)), "OCIB3031");
        Assert.Contains(property, diagnostic.Message);
        Assert.Contains("4194304", diagnostic.Message);
    }

    [Fact]
    public void A_fifo_socket_or_device_as_OciRootfsFile_is_OCIB3030()
    {
        var fifo = Fifo("pipe");
        foreach (var special in new[] { fifo, "/dev/zero", "/dev/null" })
        {
            _reported.Clear();
            var request = Request().WithItem(SurfaceNames.RootfsFile, special, ("FullPath", special), ("TargetPath", "/x"));
            var diagnostic = Fails(request, "OCIB3030");
            Assert.Contains($"OciRootfsFile '{special}'", diagnostic.Message);
        }

        Assert.False(Directory.Exists(Output));
    }

    [Fact]
    public void A_fifo_named_like_an_archive_as_OciBaseRootfs_is_OCIB3030()
    {
        var fifo = Fifo("base.tar.gz");
        var diagnostic = Fails(Request((SurfaceNames.BaseRootfs, fifo)), "OCIB3030");
        Assert.Contains("fifo", diagnostic.Message);
    }

    [Fact]
    public void A_fifo_in_the_sysroot_at_a_library_name_is_OCIB3030()
    {
        var sysroot = _temp.Combine("sysroot");
        Directory.CreateDirectory(Path.Combine(sysroot, "lib"));
        ProcessRunner.Run("mkfifo", Path.Combine(sysroot, "lib", "libfifo.so.1")).EnsureSuccess();
        var request = Request(("OciIncludeSharedLibraries", "true"), (SurfaceNames.Sysroot, sysroot))
            .WithItem(SurfaceNames.SharedLibrary, "libfifo.so.1");
        Bounded(request);
        Assert.Contains(_reported, d => d.Code == "OCIB3030" && d.Message.Contains("libfifo.so.1", StringComparison.Ordinal));
    }

    // Item 10: a linked OciRootfsFile is copied from the file it names.
    [Fact]
    public void A_relative_link_as_OciRootfsFile_copies_the_file_it_names()
    {
        File.WriteAllText(_temp.Combine("real.txt"), "hello through a link\n");
        File.CreateSymbolicLink(_temp.Combine("link.txt"), "real.txt");
        var request = Request((SurfaceNames.RootfsFormat, "directory"))
            .WithItem(SurfaceNames.RootfsFile, "link.txt", ("FullPath", _temp.Combine("link.txt")), ("TargetPath", "/etc/greeting"));
        Generate(request);

        var copied = new FileInfo(Path.Combine(Output, "rootfs", "etc", "greeting"));
        Assert.Null(copied.LinkTarget);
        Assert.Equal("hello through a link\n", File.ReadAllText(copied.FullName));
    }

    [Fact]
    public void A_dangling_link_as_OciRootfsFile_is_OCIB3032()
    {
        File.CreateSymbolicLink(_temp.Combine("dangling"), "nowhere");
        var request = Request().WithItem(SurfaceNames.RootfsFile, "dangling", ("FullPath", _temp.Combine("dangling")), ("TargetPath", "/x"));
        var diagnostic = Fails(request, "OCIB3032");
        Assert.Contains("'nowhere'", diagnostic.Message);
    }

    // Item 9: mounts.
    [Theory]
    [InlineData("/../../etc", "'..'")]
    [InlineData("/data\nx", "U+000A")]
    [InlineData("/data\tx", "U+0009")]
    public void A_mount_destination_gets_the_rootfs_path_rules(string destination, string reason)
    {
        var request = Request().WithItem(SurfaceNames.Mount, destination, ("Source", "/srv"));
        var diagnostic = Fails(request, "OCIB1025");
        Assert.Contains(reason, diagnostic.Message);
    }

    [Theory]
    [InlineData("./data", null)]
    [InlineData("data", "bind")]
    [InlineData("../x", null)]
    public void A_relative_bind_source_is_OCIB1036(string source, string? type)
    {
        var request = Request().WithItem(SurfaceNames.Mount, "/data", type is null ? [("Source", source)] : [("Source", source), ("Type", type)]);
        var diagnostic = Fails(request, "OCIB1036");
        Assert.Contains("bundle folder", diagnostic.Message);
    }

    [Fact]
    public void A_named_file_system_mount_keeps_its_relative_source()
    {
        Generate(Request().WithItem(SurfaceNames.Mount, "/scratch", ("Type", "tmpfs"), ("Source", "tmpfs")));
    }

    // Item 3: folders that cannot be listed, in the fingerprint (before any staging) too.
    [Fact]
    public void A_base_folder_deeper_than_PATH_MAX_is_OCIB3004_naming_it()
    {
        var root = _temp.Combine("deep");
        // Made one level at a time from inside (the shell's cd refuses such paths; python does not).
        ProcessRunner.Run("python3", "-c", "import os,sys\nos.makedirs(sys.argv[1])\nos.chdir(sys.argv[1])\nfor i in range(20):\n  os.mkdir('d'*250)\n  os.chdir('d'*250)\nopen('f','w').write('x')", root).EnsureSuccess();
        try
        {
            var diagnostic = Fails(Request((SurfaceNames.BaseRootfs, root)), "OCIB3004");
            Assert.Contains($"OciBaseRootfs {root}", diagnostic.Message);
            Assert.False(Directory.Exists(Output));
        }
        finally
        {
            ProcessRunner.Run("rm", "-rf", root).EnsureSuccess(); // GNU rm walks deep trees with openat
        }
    }

    // Item 6: ownership is proven, never inferred from names.
    [Fact]
    public void A_folder_of_the_users_own_config_rootfs_and_sums_is_OCIB5006_and_untouched()
    {
        Directory.CreateDirectory(Path.Combine(Output, "rootfs", "data"));
        File.WriteAllText(Path.Combine(Output, "config.json"), "{\"mine\": true}\n");
        File.WriteAllText(Path.Combine(Output, "rootfs", "data", "precious.db"), "precious\n");
        ProcessRunner.Run("sh", "-c", "cd \"$1\" && sha256sum config.json rootfs/data/precious.db > SHA256SUMS", "sh", Output).EnsureSuccess();
        var before = Snapshot(Output);

        foreach (var format in new[] { "tar.gz", "directory" })
        {
            _reported.Clear();
            var diagnostic = Fails(Request((SurfaceNames.RootfsFormat, format)), "OCIB5006");
            Assert.Contains(".oci-bundle-outputs", diagnostic.Message);
            AssertSame(before, Output);
        }
    }

    [Fact]
    public void A_bundle_of_ours_is_replaced_and_its_marker_lists_what_was_written()
    {
        var first = Generate(Request());
        var marker = File.ReadAllText(Path.Combine(Output, OutputOwnership.MarkerName));
        Assert.StartsWith("oci-bundle-outputs 1\n", marker);
        Assert.All(first.Outputs, o => Assert.Contains($"{o.Sha256}  {Path.GetFileName(o.Path)}\n", marker));

        Assert.False(Generate(Request((SurfaceNames.RootfsFormat, "directory"))).UpToDate);
        Assert.Contains("-  rootfs\n", File.ReadAllText(Path.Combine(Output, OutputOwnership.MarkerName)));
        Assert.False(File.Exists(Path.Combine(Output, "rootfs.tar.gz")));
        Assert.False(Generate(Request((SurfaceNames.RootfsFormat, "tar"))).UpToDate);
        Assert.False(Directory.Exists(Path.Combine(Output, "rootfs")));
    }

    [Fact]
    public void A_bundle_from_before_the_marker_is_proven_by_the_projects_stamp()
    {
        Generate(Request());
        File.Delete(Path.Combine(Output, OutputOwnership.MarkerName)); // as 0.1.0 left it
        Assert.False(Generate(Request((SurfaceNames.Hostname, "other"))).UpToDate);

        File.Delete(Path.Combine(Output, OutputOwnership.MarkerName));
        File.Delete(Stamp); // no proof left at all
        var before = Snapshot(Output);
        Fails(Request((SurfaceNames.Hostname, "third")), "OCIB5006");
        AssertSame(before, Output);
    }

    [Fact]
    public void An_output_changed_since_we_wrote_it_is_not_ours_to_replace()
    {
        Generate(Request());
        File.WriteAllText(Path.Combine(Output, "config.json"), "{\"edited\": \"by hand\"}\n");
        var before = Snapshot(Output);
        var diagnostic = Fails(Request((SurfaceNames.Hostname, "other")), "OCIB5006");
        Assert.Contains("changed since", diagnostic.Message);
        AssertSame(before, Output);
    }

    [Fact]
    public void An_output_rewritten_with_its_size_and_mtime_touched_back_is_not_ours_to_replace()
    {
        Generate(Request());
        var config = Path.Combine(Output, "config.json");
        var mtime = File.GetLastWriteTimeUtc(config);
        var bytes = File.ReadAllBytes(config);
        bytes[^2] ^= 0x01; // same size
        File.WriteAllBytes(config, bytes);
        File.SetLastWriteTimeUtc(config, mtime); // touch -d back: only ctime tells
        var before = Snapshot(Output);
        var diagnostic = Fails(Request((SurfaceNames.Hostname, "other")), "OCIB5006");
        Assert.Contains("changed since", diagnostic.Message);
        AssertSame(before, Output);
    }

    [Fact]
    public void An_output_whose_identity_is_as_the_stamp_recorded_is_not_read_again_and_older_stamps_still_prove_by_digest()
    {
        Generate(Request());
        var rootfs = Path.Combine(Output, "rootfs.tar.gz");
        string[] Row() => Assert.Single(File.ReadAllLines(Stamp).Select(l => l.Split('\t')), p => p.Length > 1 && p[1] == rootfs);
        var real = Row()[4];
        Assert.Matches("^[0-9]+:[0-9]+:[0-9]+:[0-9]+:[0-9]+\\.[0-9]{9}:[0-9]+\\.[0-9]{9}:[0-9]+$", Row()[5]);

        // Marker and stamp both claim a digest the file does not have: only a build that does not
        // read the file (its identity is still the one recorded) can accept it.
        var fake = new string('0', 64);
        void Claim(bool withIdentity)
        {
            var marker = Path.Combine(Output, OutputOwnership.MarkerName);
            File.WriteAllText(marker, File.ReadAllText(marker).Replace(real + "  rootfs.tar.gz", fake + "  rootfs.tar.gz", StringComparison.Ordinal));
            File.WriteAllLines(Stamp, File.ReadAllLines(Stamp).Select(l => l.Split('\t') is var p && p.Length >= 5 && p[1] == rootfs
                ? string.Join('\t', withIdentity ? [p[0], p[1], p[2], p[3], fake, p[5]] : [p[0], p[1], p[2], p[3], fake])
                : l));
        }

        Claim(withIdentity: true);
        Assert.False(Generate(Request((SurfaceNames.Hostname, "other"))).UpToDate);

        real = Row()[4];
        Claim(withIdentity: false); // a stamp as builds before identities wrote it: the file is hashed
        var diagnostic = Fails(Request((SurfaceNames.Hostname, "third")), "OCIB5006");
        Assert.Contains("changed since", diagnostic.Message);
    }

    [Fact]
    public void A_name_of_ours_we_did_not_write_is_OCIB5006()
    {
        Generate(Request());
        File.WriteAllText(Path.Combine(Output, "rootfs.tar"), "the user's own\n");
        Fails(Request((SurfaceNames.Hostname, "other")), "OCIB5006");
        Assert.Equal("the user's own\n", File.ReadAllText(Path.Combine(Output, "rootfs.tar")));
    }

    // Item 4 (the staging half): only staging folders provably ours, of builds that are gone, are removed.
    [Fact]
    public void Staging_left_by_a_killed_build_is_removed_and_nothing_else()
    {
        Generate(Request());
        var dead = Path.Combine(Output, ".oci-staging-deadbeef0000");
        Directory.CreateDirectory(Path.Combine(dead, "sub"));
        File.WriteAllText(Path.Combine(dead, ".owner"), "oci-bundle-staging 1\n2147483646\n");
        var foreign = Path.Combine(Output, ".oci-staging-foreign00000");
        Directory.CreateDirectory(foreign);
        File.WriteAllText(Path.Combine(foreign, "keep.txt"), "not ours\n");
        var forged = Path.Combine(Output, ".oci-staging-forged00000");
        Directory.CreateDirectory(forged);
        File.WriteAllText(Path.Combine(forged, ".owner"), "something else\n1\n");
        var alive = Path.Combine(Output, ".oci-staging-alive000000");
        Directory.CreateDirectory(alive);
        File.WriteAllText(Path.Combine(alive, ".owner"), $"oci-bundle-staging 1\n{Environment.ProcessId}\n");

        Generate(Request((SurfaceNames.Hostname, "other")));

        Assert.False(Directory.Exists(dead));
        Assert.True(File.Exists(Path.Combine(foreign, "keep.txt")));
        Assert.True(Directory.Exists(forged));
        Assert.True(Directory.Exists(alive));
    }

    [Fact]
    public void A_staging_folder_whose_lock_is_held_is_kept()
    {
        Directory.CreateDirectory(Output);
        using var held = StagingFolder.CreateIn(Output);
        StagingFolder.RemoveLeftovers(Output);
        Assert.True(Directory.Exists(held.Path));

        // The lock alone keeps a folder, even when its process id names no running process
        // (DOTNET_SYSTEM_IO_DISABLEFILELOCKING aside): flock(1) holds it as a build would.
        var locked = Path.Combine(Output, ".oci-staging-locked000000");
        Directory.CreateDirectory(locked);
        var owner = Path.Combine(locked, ".owner");
        File.WriteAllText(owner, "oci-bundle-staging 1\n2147483646\n");
        using var flock = System.Diagnostics.Process.Start("flock", ["-o", "-x", owner, "sleep", "60"]);
        try
        {
            var waited = 0;
            while (!LockedByOther(owner) && waited++ < 100)
            {
                Thread.Sleep(50);
            }

            StagingFolder.RemoveLeftovers(Output);
            Assert.True(Directory.Exists(locked));
        }
        finally
        {
            flock.Kill(entireProcessTree: true);
            flock.WaitForExit();
        }

        // The kernel drops the lock when flock's process is gone, which may be a moment after
        // Kill returns.
        for (var waited = 0; LockedByOther(owner) && waited < 200; waited++)
        {
            Thread.Sleep(50);
        }

        StagingFolder.RemoveLeftovers(Output);
        Assert.False(Directory.Exists(locked));
        Assert.True(Directory.Exists(held.Path));
    }

    private static bool LockedByOther(string path)
    {
        try
        {
            using var probe = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.None);
            return false;
        }
        catch (IOException)
        {
            return true;
        }
    }

    // Item 5: the archive is staged beside its final path; a failed build replaces nothing.
    [Fact]
    public void The_archive_is_written_beside_its_path_and_nothing_is_left_there()
    {
        var archive = _temp.Combine("elsewhere", "app.bundle.tar.gz");
        Generate(Request((SurfaceNames.BundleArchivePath, archive)));
        Assert.Equal(["app.bundle.tar.gz"], Directory.GetFileSystemEntries(_temp.Combine("elsewhere")).Select(Path.GetFileName));
        Assert.Empty(Directory.GetDirectories(Output, ".oci-staging-*"));
    }

    // The net: anything unexpected is OCIB5999, not an exception.
    [Fact]
    public void An_unexpected_exception_is_OCIB5999_with_its_message_and_what_was_being_done()
    {
        var request = Request();
        var result = BundleGenerator.Generate(request, _reported.Add, default, () => throw new InvalidOperationException("boom from a test"));

        Assert.Null(result);
        var diagnostic = Assert.Single(_reported);
        Assert.Equal("OCIB5999", diagnostic.Code);
        Assert.Contains("InvalidOperationException: boom from a test", diagnostic.Message);
        Assert.Contains("while reading the project's properties and items", diagnostic.Message);
        Assert.Contains("report it", diagnostic.Message);
        Assert.IsType<InvalidOperationException>(diagnostic.Cause);
        Assert.False(Directory.Exists(Output));
    }

    [Fact]
    public void Cancellation_still_reaches_the_host()
    {
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => BundleGenerator.Generate(Request(), _reported.Add, cancel.Token));
        Assert.Empty(Directory.Exists(Output) ? Directory.GetFileSystemEntries(Output) : []);
    }
}
