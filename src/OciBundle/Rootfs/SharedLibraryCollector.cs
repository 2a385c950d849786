using OciBundle.Diagnostics;
using OciBundle.ElfFormat;
using OciBundle.Platform;
using OciBundle.Request;

namespace OciBundle.Rootfs;

/// <summary>
/// OciIncludeSharedLibraries: makes the rootfs hold what its ELF programs and libraries load, so
/// an app runs with no base image. Every ELF file of the target architecture is read; its
/// interpreter (PT_INTERP) and each DT_NEEDED library is looked up in the rootfs first, then in
/// the sysroot (its own DT_RUNPATH/DT_RPATH with $ORIGIN, then the loader's default folders),
/// and copied in with the links on the way. What a library needs is followed in turn.
/// </summary>
public sealed class SharedLibraryCollector
{
    private readonly RootfsTree _tree;
    private readonly SysrootLookup _sysroot;
    private readonly TargetArchitecture _architecture;
    private readonly DiagnosticBag _diagnostics;
    private readonly IReadOnlyList<string> _defaultFolders;
    private readonly HashSet<string> _scanned = new(StringComparer.Ordinal);
    private readonly Queue<RootfsEntry> _pending = new();
    private readonly SourceLocation? _architectureLocation;
    private bool? _sysrootHasArchitecture;

    private SharedLibraryCollector(RootfsTree tree, string sysroot, TargetArchitecture architecture, DiagnosticBag diagnostics, SourceLocation? architectureLocation)
    {
        _architectureLocation = architectureLocation;
        _tree = tree;
        _sysroot = new SysrootLookup(sysroot);
        _architecture = architecture;
        _diagnostics = diagnostics;
        _defaultFolders = LibraryDirectories.For(architecture);
    }

    /// <summary>
    /// Adds the libraries; problems go to <paramref name="diagnostics"/> (OCIB3051-3053, or the one
    /// OCIB3063 when the sysroot has no libraries of the architecture at all). Returns the rootfs
    /// paths of the files copied in from the sysroot, sorted.
    /// </summary>
    public static IReadOnlyList<string> AddTo(RootfsTree tree, SharedLibraryPlan plan, TargetArchitecture architecture, DiagnosticBag diagnostics, SourceLocation? architectureLocation = null)
    {
        var collector = new SharedLibraryCollector(tree, plan.SysrootHostPath, architecture, diagnostics, architectureLocation);
        foreach (var library in plan.Libraries)
        {
            collector.AddRequested(library);
        }

        foreach (var entry in tree.Sorted().Where(e => e.Type == RootfsEntryType.RegularFile))
        {
            collector._pending.Enqueue(entry);
        }

        collector.Drain();
        return collector._added.Order(StringComparer.Ordinal).ToList();
    }

    private readonly List<string> _added = [];

    /// <summary>
    /// The .NET runtime's LTTng tracing provider: the runtime loads it only when liblttng-ust is
    /// installed and goes on without it, so its libraries are not needed, wherever the file came
    /// from (the app's publish output or a base rootfs's runtime).
    /// </summary>
    private static bool IsOptionalPlugin(string path) =>
        Path.GetFileName(path).Equals("libcoreclrtraceptprovider.so", StringComparison.Ordinal);

    /// <summary>
    /// Whether a library that is nowhere is worth its own error. A sysroot with no library of the
    /// target architecture at all (an x64 machine's "/" for an arm64 app) would give one error per
    /// library per file; that is one cause, so it is one error naming both fixes, given once.
    /// </summary>
    private bool ReportEachMissing()
    {
        if (_sysrootHasArchitecture is null)
        {
            _sysrootHasArchitecture = SysrootHoldsArchitecture();
            if (!_sysrootHasArchitecture.Value)
            {
                var debian = DebianArchitecture(_architecture);
                _diagnostics.Error(Messages.SysrootWrongArchitecture, _architectureLocation, _architecture.Name, _sysroot.Root, string.Join(", ", _defaultFolders), debian);
            }
        }

        return _sysrootHasArchitecture.Value;
    }

    /// <summary>True when one of the loader's default folders in the sysroot holds an ELF file of the target architecture.</summary>
    private bool SysrootHoldsArchitecture()
    {
        var head = new byte[64];
        foreach (var folder in _defaultFolders)
        {
            var host = Path.Combine(_sysroot.Root, folder.TrimStart('/'));
            if (!Directory.Exists(host))
            {
                continue;
            }

            foreach (var file in Directory.EnumerateFiles(host, "*.so*"))
            {
                try
                {
                    var info = new FileInfo(file);
                    if (info.LinkTarget is not null || InputFiles.WhyNotRegularFile(file) is not null)
                    {
                        continue; // a link's target is found under its own name; never open a fifo
                    }

                    using var stream = File.OpenRead(file);
                    var read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
                    if (ElfReader.TryReadMachine(head.AsSpan(0, read), out var machine) && machine == _architecture.ElfMachine)
                    {
                        return true;
                    }
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // unreadable here means "not a library we could copy" either way
                }
            }
        }

        return false;
    }

    /// <summary>Debian's name for the architecture, for the apt-get lines in OCIB3063.</summary>
    private static string DebianArchitecture(TargetArchitecture architecture) =>
        architecture == TargetArchitecture.I386 ? "i386"
        : architecture == TargetArchitecture.Arm ? "armhf"
        : architecture == TargetArchitecture.Ppc64le ? "ppc64el"
        : architecture.Name;

    private void AddRequested(SharedLibraryPlan.Library library)
    {
        var found = library.Name.StartsWith('/')
            ? FindIn([RootfsPath.Parent(library.Name.TrimStart('/'))], Path.GetFileName(library.Name), sysrootOrigin: null)
            : FindIn(_defaultFolders, library.Name, sysrootOrigin: null);
        if (!found && ReportEachMissing())
        {
            _diagnostics.Error(Messages.SharedLibraryItemNotFound, library.Location, library.Name, _sysroot.Root, string.Join(", ", _defaultFolders));
        }
    }

    private void Drain()
    {
        while (_pending.TryDequeue(out var entry))
        {
            if (!_scanned.Add(entry.Path) || entry.SourcePath is null || IsOptionalPlugin(entry.Path) || Read(entry) is not { } elf)
            {
                continue;
            }

            var binary = "/" + entry.Path;
            if (elf.Interpreter is { } interpreter && _tree.ResolveFile(interpreter) is null && !AddFromSysroot(interpreter, binary) && ReportEachMissing())
            {
                _diagnostics.Error(Messages.ElfInterpreterNotFound, null, binary, interpreter, _sysroot.Root);
            }

            // $ORIGIN is the folder the file is in, in the rootfs; for a library that came from the
            // sysroot it is also its folder there, so the sysroot is searched with the same path.
            var folder = "/" + RootfsPath.Parent(entry.Path);
            var folders = LibraryDirectories.OwnSearchPath(elf, folder).Concat(_defaultFolders).ToList();
            foreach (var needed in elf.Needed)
            {
                if (!FindIn(folders, needed, binary) && ReportEachMissing())
                {
                    _diagnostics.Error(Messages.SharedLibraryNotFound, null, binary, needed, _sysroot.Root, string.Join(", ", folders));
                }
            }
        }
    }

    /// <summary>Already in the rootfs, or copied from the sysroot: false when neither has it.</summary>
    private bool FindIn(IEnumerable<string> folders, string name, string? sysrootOrigin)
    {
        var list = folders.ToList();
        foreach (var folder in list)
        {
            if (_tree.ResolveFile(folder.TrimEnd('/') + "/" + name) is { } present)
            {
                _pending.Enqueue(present);
                return true;
            }
        }

        return list.Any(folder => AddFromSysroot(folder.TrimEnd('/') + "/" + name, sysrootOrigin ?? name));
    }

    /// <summary>Copies the file at <paramref name="path"/> in the sysroot, and the links leading to it, into the rootfs.</summary>
    private bool AddFromSysroot(string path, string neededBy)
    {
        if (_sysroot.FindFile(path) is not var (rootfsPath, hostPath, links))
        {
            return false;
        }

        var origin = $"{SurfaceNames.IncludeSharedLibraries} (for {neededBy})";
        foreach (var link in links.Where(l => !_tree.Contains(l.Path)))
        {
            _tree.Add(new RootfsEntry { Path = link.Path, Type = RootfsEntryType.SymbolicLink, Mode = 0b111_111_111, LinkTarget = link.Target, Origin = origin });
        }

        if (!_tree.Contains(rootfsPath))
        {
            _added.Add("/" + rootfsPath);
            _tree.Add(HostFiles.Describe(new RootfsPlan.PlannedFile(hostPath, rootfsPath, null, 0, 0, origin)));
        }

        if (_tree.ResolveFile(path) is { } added)
        {
            _pending.Enqueue(added);
            return true;
        }

        return false; // the rootfs already has something else on the way (a file where the sysroot has a folder)
    }

    /// <summary>The ELF file of the target architecture at <paramref name="entry"/>; null for anything else.</summary>
    private ElfFile? Read(RootfsEntry entry)
    {
        try
        {
            var elf = ElfReader.Read(entry.SourcePath!);
            return elf is { Type: ElfFile.TypeExecutable or ElfFile.TypeShared } && elf.Machine == _architecture.ElfMachine ? elf : null;
        }
        catch (ElfFormatException e)
        {
            _diagnostics.Warning(Messages.ElfUnreadable, null, "/" + entry.Path, e.Message);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OciBundleException(Diagnostic.Error(Messages.UnreadableInput, null, entry.Origin, entry.SourcePath, e.Message), e);
        }
    }
}
