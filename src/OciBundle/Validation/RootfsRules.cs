using System.Text;
using OciBundle.Diagnostics;
using OciBundle.ElfFormat;
using OciBundle.Platform;
using OciBundle.Rootfs;
using OciBundle.Settings;
using OciBundle.Spec;

namespace OciBundle.Validation;

/// <summary>
/// Rules that need the finished rootfs (OCIB3xxx): the program the container starts must be there,
/// executable, runnable on the target architecture, and its '#!' interpreter too. These are the
/// mistakes runc reports only at start, as "no such file or directory" or "exec format error".
/// </summary>
public static class RootfsRules
{
    private const int HeadLength = 256; // enough for an ELF header and any sane '#!' line

    /// <summary>Where the apphost and 'dotnet' find an installed runtime when DOTNET_ROOT is not set.</summary>
    private static readonly string[] DotnetInstallFolders = ["/usr/share/dotnet", "/usr/lib/dotnet", "/usr/local/share/dotnet"];

    /// <summary>Where OciBaseImage (or ContainerBaseImage) was written: the program came from that image.</summary>
    private static SourceLocation? BaseImageLocation(BundleSettings settings) =>
        settings.BaseImage.Reference is null ? null : settings.BaseImage.Location;

    /// <summary>Where a program the container starts came from: the first OciEntrypoint item, else the base rootfs's or base image's element.</summary>
    private static SourceLocation? ProgramLocation(BundleSettings settings) =>
        settings.Process.EntrypointItem ?? settings.Rootfs.BaseRootfsLocation ?? BaseImageLocation(settings);

    public static void Check(DiagnosticBag diagnostics, BundleSettings settings, RuntimeSpec spec, RootfsTree tree)
    {
        // One error that names the fix beats "dotnet not found" from the entrypoint check.
        if (CheckDotnetRuntime(diagnostics, settings, spec, tree) || spec.Process.Args.FirstOrDefault() is not "dotnet")
        {
            CheckEntrypoint(diagnostics, settings, spec, tree);
        }

        CheckWorkingDirectory(diagnostics, settings, spec, tree);
        if (!diagnostics.HasErrors)
        {
            CheckStartPrograms(diagnostics, settings, spec, tree);
        }
    }

    /// <summary>
    /// The entrypoint and, for a framework-dependent app, the 'dotnet' host the apphost hands over
    /// to: each is an ELF program the kernel starts through its PT_INTERP loader, which then loads
    /// its DT_NEEDED libraries. A base rootfs with the .NET runtime's files but no loader or libc
    /// passes every other check and fails in runc with "no such file or directory" (OCIB3064).
    /// </summary>
    private static void CheckStartPrograms(DiagnosticBag diagnostics, BundleSettings settings, RuntimeSpec spec, RootfsTree tree)
    {
        // Only for a framework-dependent app, where a base rootfs is meant to start it: other
        // rootfs may hold programs that are never run, or run on a loader found at run time.
        if (!settings.Publish.IsFrameworkDependent)
        {
            return;
        }

        var programs = new List<(string Path, RootfsEntry Entry)>();
        if (spec.Process.Args.FirstOrDefault() is { } program && Find(program, spec, tree) is (var programPath, { } programEntry))
        {
            programs.Add(("/" + programPath, programEntry));
        }

        if (FindDotnet(spec, tree) is var (dotnetPath, dotnet) && programs.All(p => p.Path != dotnetPath))
        {
            programs.Add((dotnetPath, dotnet));
        }

        var architecture = settings.Architecture.Value;
        var location = ProgramLocation(settings);
        foreach (var (path, entry) in programs)
        {
            if (entry.SourcePath is null || ReadElf(entry) is not { } elf || elf.Machine != architecture.ElfMachine)
            {
                continue;
            }

            var missing = new List<string>();
            if (elf.Interpreter is { } interpreter && tree.ResolveFile(interpreter) is null)
            {
                missing.Add($"its dynamic loader '{interpreter}'");
            }

            var folders = LibraryDirectories.OwnSearchPath(elf, "/" + RootfsPath.Parent(path.TrimStart('/')))
                .Concat(LibraryDirectories.For(architecture)).Concat(ExtraLibraryFolders).ToList();
            var libraries = elf.Needed.Where(n => !folders.Any(f => tree.ResolveFile(f.TrimEnd('/') + "/" + n) is not null)).ToList();
            if (libraries.Count > 0)
            {
                missing.Add("the shared libraries " + string.Join(", ", libraries.Select(l => $"'{l}'")));
            }

            if (missing.Count > 0)
            {
                diagnostics.Error(Messages.StartProgramNeedsMissing, location, path, string.Join(" and ", missing));
            }
        }
    }

    /// <summary>Folders a distribution's /etc/ld.so.conf commonly adds to the loader's cache.</summary>
    private static readonly string[] ExtraLibraryFolders = ["/usr/local/lib", "/usr/local/lib64"];

    private static (string Path, RootfsEntry Entry)? FindDotnet(RuntimeSpec spec, RootfsTree tree)
    {
        if (Find("dotnet", spec, tree) is (var path, { } entry))
        {
            return ("/" + path, entry);
        }

        var dotnetRoot = spec.Process.Env.FirstOrDefault(e => e.StartsWith("DOTNET_ROOT=", StringComparison.Ordinal))?["DOTNET_ROOT=".Length..];
        foreach (var folder in (dotnetRoot is { Length: > 0 } ? [dotnetRoot] : Array.Empty<string>()).Concat(DotnetInstallFolders))
        {
            var candidate = folder.TrimEnd('/') + "/dotnet";
            if (tree.ResolveFile(candidate) is { } found && IsExecutable(found))
            {
                return (candidate, found);
            }
        }

        return null;
    }

    private static ElfFile? ReadElf(RootfsEntry entry)
    {
        try
        {
            return ElfReader.Read(entry.SourcePath!);
        }
        catch (ElfFormatException)
        {
            return null; // not loadable as ELF: the entrypoint checks speak for it
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw InputFiles.Unreadable(entry.Origin, entry.SourcePath!, e);
        }
    }

    /// <summary>
    /// A framework-dependent app (its runtimeconfig.json names a shared framework) starts only
    /// where a .NET runtime is installed: 'dotnet' on PATH, under $DOTNET_ROOT, or in the
    /// apphost's default folders. False after reporting OCIB3050 when the rootfs has none.
    /// </summary>
    private static bool CheckDotnetRuntime(DiagnosticBag diagnostics, BundleSettings settings, RuntimeSpec spec, RootfsTree tree)
    {
        var publish = settings.Publish;
        if (!publish.IsFrameworkDependent)
        {
            return true;
        }

        var dotnetRoot = spec.Process.Env.FirstOrDefault(e => e.StartsWith("DOTNET_ROOT=", StringComparison.Ordinal))?["DOTNET_ROOT=".Length..];
        var folders = (dotnetRoot is { Length: > 0 } ? [dotnetRoot] : Array.Empty<string>()).Concat(DotnetInstallFolders);
        if (Find("dotnet", spec, tree).Entry is not null || folders.Any(f => tree.ResolveFile(f.TrimEnd('/') + "/dotnet") is { } e && IsExecutable(e)))
        {
            return true;
        }

        var location = ProgramLocation(settings);
        diagnostics.Error(Messages.DotnetRuntimeMissing, location, publish.AssemblyName ?? "the app");
        return false;
    }

    private static void CheckEntrypoint(DiagnosticBag diagnostics, BundleSettings settings, RuntimeSpec spec, RootfsTree tree)
    {
        var architecture = settings.Architecture.Value;
        if (spec.Process.Args.Count == 0)
        {
            return;
        }

        var program = spec.Process.Args[0];
        var location = settings.Process.EntrypointItem ?? settings.Process.ArgsItem;
        var (path, entry) = Find(program, spec, tree);
        if (entry is null)
        {
            var where = program.StartsWith('/') ? "" : $" (looked for on PATH: {PathOf(spec)})";
            diagnostics.Error(Messages.EntrypointNotFound, location, program, where);
            return;
        }

        if (!IsExecutable(entry))
        {
            diagnostics.Error(Messages.EntrypointNotExecutable, location, program, "/" + path, Convert.ToString(entry.Mode, 8).PadLeft(4, '0'));
            return;
        }

        var head = ReadHead(entry);
        if (ElfReader.TryReadMachine(head, out var machine))
        {
            CheckMachine(diagnostics, location, program, machine, architecture);
        }
        else if (head.AsSpan().StartsWith("#!"u8))
        {
            CheckInterpreter(diagnostics, location, program, head, tree, architecture);
        }
        else if (head.Length > 0)
        {
            diagnostics.Error(Messages.EntrypointNotProgram, location, program);
        }
    }

    private static void CheckInterpreter(DiagnosticBag diagnostics, SourceLocation? location, string program, byte[] head, RootfsTree tree, TargetArchitecture architecture)
    {
        var end = Array.IndexOf(head, (byte)'\n');
        var line = Encoding.UTF8.GetString(head, 2, (end < 0 ? head.Length : end) - 2);
        var interpreter = line.TrimStart(' ', '\t').Split([' ', '\t'], 2)[0];
        if (interpreter.EndsWith('\r'))
        {
            diagnostics.Error(Messages.ShebangCarriageReturn, location, program, interpreter.TrimEnd('\r'));
            return;
        }

        if (!interpreter.StartsWith('/'))
        {
            return; // relative to the working directory at run time: nothing to check here
        }

        var entry = tree.ResolveFile(interpreter);
        if (entry is null || !IsExecutable(entry))
        {
            diagnostics.Error(Messages.InterpreterNotFound, location, program, interpreter);
            return;
        }

        if (ElfReader.TryReadMachine(ReadHead(entry), out var machine))
        {
            CheckMachine(diagnostics, location, interpreter, machine, architecture);
        }
    }

    private static void CheckMachine(DiagnosticBag diagnostics, SourceLocation? location, string program, int machine, TargetArchitecture architecture)
    {
        if (machine != architecture.ElfMachine)
        {
            var name = TargetArchitecture.All.FirstOrDefault(a => a.ElfMachine == machine)?.Name ?? $"ELF machine {machine}";
            diagnostics.Error(Messages.ElfMachineMismatch, location, program, name, architecture.Name);
        }
    }

    /// <summary>A missing working directory is only a warning: runc creates it (root-owned) at start.</summary>
    private static void CheckWorkingDirectory(DiagnosticBag diagnostics, BundleSettings settings, RuntimeSpec spec, RootfsTree tree)
    {
        var cwd = spec.Process.Cwd;
        if (cwd == "/" || tree.ResolveDirectory(cwd.TrimStart('/')))
        {
            return;
        }

        diagnostics.Warning(Messages.WorkingDirectoryMissing, settings.Process.Cwd.Origin.Location, cwd);
    }

    /// <summary>An absolute path as is; a bare name on the spec's PATH, the way execvp looks it up.</summary>
    private static (string Path, RootfsEntry? Entry) Find(string program, RuntimeSpec spec, RootfsTree tree)
    {
        if (program.Contains('/'))
        {
            return (program.TrimStart('/'), tree.ResolveFile(program.TrimStart('/')));
        }

        foreach (var folder in PathOf(spec).Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = folder.TrimEnd('/') + "/" + program;
            if (tree.ResolveFile(candidate.TrimStart('/')) is { } entry && IsExecutable(entry))
            {
                return (candidate.TrimStart('/'), entry);
            }
        }

        return (program, null);
    }

    private static string PathOf(RuntimeSpec spec) =>
        spec.Process.Env.FirstOrDefault(e => e.StartsWith("PATH=", StringComparison.Ordinal))?["PATH=".Length..] ?? SpecVocabulary.DefaultPath;

    private static bool IsExecutable(RootfsEntry entry) => (entry.Mode & 0b001_001_001) != 0;

    private static byte[] ReadHead(RootfsEntry entry)
    {
        if (entry.SourcePath is null)
        {
            return [];
        }

        try
        {
            using var stream = InputFiles.OpenRead(entry.SourcePath);
            var buffer = new byte[HeadLength];
            var read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
            return buffer[..read];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw InputFiles.Unreadable(entry.Origin, entry.SourcePath, e);
        }
    }
}
