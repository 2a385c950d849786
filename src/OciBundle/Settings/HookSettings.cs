using System.Globalization;
using OciBundle.Diagnostics;
using OciBundle.Request;

namespace OciBundle.Settings;

/// <summary>An accepted OciHook item: its stage as the spec spells it, the program, its arguments (the program first), its environment and its timeout in seconds (null: none).</summary>
public sealed record HookValue(string Stage, string Path, IReadOnlyList<string> Args, IReadOnlyList<string> Env, int? Timeout);

/// <summary>
/// Reads OciHook items for <see cref="KernelSettings"/>: Include = the program's absolute path on
/// the host; Stage (required), Args (a command line, see <see cref="CommandLine"/>), Env (NAME=value
/// entries separated by ';'), Timeout (seconds).
/// </summary>
public static class HookSettings
{
    /// <summary>The accepted items in item order (hooks of one stage run in that order).</summary>
    public static List<Setting<HookValue>> Read(RequestReader reader)
    {
        var result = new List<Setting<HookValue>>();
        foreach (var item in reader.Items(SurfaceNames.Hook))
        {
            if (Read(reader, item) is { } hook)
            {
                result.Add(new(hook, Origin.Item(SurfaceNames.Hook, item)));
            }
        }

        return result;
    }

    private static HookValue? Read(RequestReader reader, RequestItem item)
    {
        var path = item.ItemSpec.Trim();
        var stageText = item.Get("Stage")?.Trim() ?? "";
        var stage = SpecVocabulary.HookStages.FirstOrDefault(s => s.Equals(stageText, StringComparison.OrdinalIgnoreCase));
        var ok = true;
        if (path.Contains('\0'))
        {
            reader.Diagnostics.Error(Messages.NulByte, item.Location, SurfaceNames.Hook, path.Replace('\0', '?'));
            ok = false;
        }
        else if (!path.StartsWith('/'))
        {
            reader.Diagnostics.Error(Messages.HookPathNotAbsolute, item.Location, path);
            ok = false;
        }

        if (stage is null)
        {
            reader.Diagnostics.Error(Messages.UnknownHookStage, item.Location, path, stageText, NearestName.Hint(stageText, SpecVocabulary.HookStages));
            ok = false;
        }

        var args = ReadArgs(reader, item, path);
        var env = ReadEnv(reader, item, path);
        var timeoutOk = TryReadTimeout(reader, item, path, out var timeout);
        if (!ok || args is null || env is null || !timeoutOk)
        {
            return null;
        }

        return new HookValue(stage!, path, args, env, timeout);
    }

    /// <summary>args[0] is the program by convention (as in execve), so the path comes first and Args after it.</summary>
    private static List<string>? ReadArgs(RequestReader reader, RequestItem item, string path)
    {
        var text = item.Get("Args");
        if (text is null)
        {
            return [path];
        }

        if (text.Contains('\0'))
        {
            reader.Diagnostics.Error(Messages.NulByte, item.Location, $"{SurfaceNames.Hook} '{path}' Args", text.Replace('\0', '?'));
            return null;
        }

        var args = CommandLine.Split(text);
        if (args is null)
        {
            reader.Diagnostics.Error(Messages.InvalidHookArgs, item.Location, path, text);
            return null;
        }

        return [path, .. args];
    }

    /// <summary>';' separates entries because MSBuild leaves it alone in metadata, as in other list metadata.</summary>
    private static List<string>? ReadEnv(RequestReader reader, RequestItem item, string path)
    {
        var env = new List<string>();
        var ok = true;
        foreach (var entry in (item.Get("Env") ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = entry.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0 || !SpecVocabulary.IsValidEnvironmentName(entry[..equals]) || entry.Contains('\0'))
            {
                reader.Diagnostics.Error(Messages.InvalidHookEnv, item.Location, path, entry.Replace('\0', '?'));
                ok = false;
                continue;
            }

            env.Add(entry);
        }

        return ok ? env : null;
    }

    /// <summary>The timeout in seconds; null when not set, which the spec reads as "no timeout".</summary>
    private static bool TryReadTimeout(RequestReader reader, RequestItem item, string path, out int? timeout)
    {
        timeout = null;
        var text = item.Get("Timeout");
        if (text is null)
        {
            return true;
        }

        if (int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds > 0)
        {
            timeout = seconds;
            return true;
        }

        reader.Diagnostics.Error(Messages.InvalidHookTimeout, item.Location, path, text);
        return false;
    }
}
