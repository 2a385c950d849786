using OciBundle.Building;
using OciBundle.Diagnostics;
using OciBundle.ElfFormat;

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

    private SharedLibraryCollector(RootfsTree tree, string sysroot, TargetArchitecture architecture, DiagnosticBag diagnostics)
    {
        _tree = tree;
        _sysroot = new SysrootLookup(sysroot);
        _architecture = architecture;
        _diagnostics = diagnostics;
        _defaultFolders = LibraryDirectories.For(architecture);
    }

    /// <summary>Adds the libraries; problems go to <paramref name="diagnostics"/> (OCIB3051-3053).</summary>
    public static void AddTo(RootfsTree tree, SharedLibraryPlan plan, TargetArchitecture architecture, DiagnosticBag diagnostics)
    {
        var collector = new SharedLibraryCollector(tree, plan.SysrootHostPath, architecture, diagnostics);
        foreach (var library in plan.Libraries)
        {
            collector.AddRequested(library);
        }

        foreach (var entry in tree.Sorted().Where(e => e.Type == RootfsEntryType.RegularFile))
        {
            collector._pending.Enqueue(entry);
        }

        collector.Drain();
    }

    private void AddRequested(SharedLibraryPlan.Library library)
    {
        var found = library.Name.StartsWith('/')
            ? FindIn([RootfsPath.Parent(library.Name.TrimStart('/'))], Path.GetFileName(library.Name), sysrootOrigin: null)
            : FindIn(_defaultFolders, library.Name, sysrootOrigin: null);
        if (!found)
        {
            _diagnostics.Error(Messages.SharedLibraryItemNotFound, library.Location, library.Name, _sysroot.Root, string.Join(", ", _defaultFolders));
        }
    }

    private void Drain()
    {
        while (_pending.TryDequeue(out var entry))
        {
            if (!_scanned.Add(entry.Path) || entry.SourcePath is null || Read(entry) is not { } elf)
            {
                continue;
            }

            var binary = "/" + entry.Path;
            if (elf.Interpreter is { } interpreter && _tree.ResolveFile(interpreter) is null && !AddFromSysroot(interpreter, binary))
            {
                _diagnostics.Error(Messages.ElfInterpreterNotFound, null, binary, interpreter, _sysroot.Root);
            }

            // $ORIGIN is the folder the file is in, in the rootfs; for a library that came from the
            // sysroot it is also its folder there, so the sysroot is searched with the same path.
            var folder = "/" + RootfsPath.Parent(entry.Path);
            var folders = LibraryDirectories.OwnSearchPath(elf, folder).Concat(_defaultFolders).ToList();
            foreach (var needed in elf.Needed)
            {
                if (!FindIn(folders, needed, binary))
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
