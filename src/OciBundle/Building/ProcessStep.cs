using OciBundle.Diagnostics;
using OciBundle.Spec;

namespace OciBundle.Building;

/// <summary>process: args, env, cwd, user (with umask), terminal, noNewPrivileges, oomScoreAdj.</summary>
public static class ProcessStep
{
    public const string DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    public static void Apply(RequestReader reader, RuntimeSpec spec)
    {
        var process = spec.Process;
        var publish = PublishOutput.Read(reader);
        var entrypoint = reader.Items(SurfaceNames.Entrypoint).Count == 0 && publish.IsIncluded
            ? publish.DefaultEntrypoint
            : ReadArgs(reader, SurfaceNames.Entrypoint);
        process.Args = entrypoint.Concat(ReadArgs(reader, SurfaceNames.Args)).ToList();
        process.Env = ReadEnvironment(reader);
        process.Cwd = ReadWorkingDirectory(reader, publish.IsIncluded ? "/" + publish.AppDirectory : "/");
        process.User = ReadUser(reader);
        process.User.AdditionalGids = ReadAdditionalGroups(reader);
        process.User.Umask = ReadUmask(reader);
        process.Terminal = reader.Bool(SurfaceNames.Terminal, false);
        process.NoNewPrivileges = reader.Bool(SurfaceNames.NoNewPrivileges, true);
        process.OomScoreAdj = (int?)reader.Integer(SurfaceNames.OomScoreAdj, -1000, 1000, text => reader.Diagnostics.Error(Messages.InvalidOomScoreAdj, reader.Locate(SurfaceNames.OomScoreAdj), text));
    }

    /// <summary>Octal, as umask(1) prints it; written as a number, which is what the spec's uint32 holds.</summary>
    private static uint? ReadUmask(RequestReader reader)
    {
        var text = reader.String(SurfaceNames.Umask);
        if (text is null)
        {
            return null;
        }

        if (RequestReader.TryParseMode(text, out var mask) && mask <= 0b111_111_111) // 0777
        {
            return (uint)mask;
        }

        reader.Diagnostics.Error(Messages.InvalidUmask, reader.Locate(SurfaceNames.Umask), text);
        return null;
    }

    private static IEnumerable<string> ReadArgs(RequestReader reader, string itemType)
    {
        foreach (var item in reader.Items(itemType))
        {
            if (item.ItemSpec.Contains('\0'))
            {
                reader.Diagnostics.Error(Messages.NulByte, item.Location, itemType, item.ItemSpec.Replace('\0', '?'));
                continue;
            }

            yield return item.ItemSpec;
        }
    }

    /// <summary>PATH first (the user's value when given), then the items in order; a repeated name keeps its first place and takes its last value.</summary>
    private static List<string> ReadEnvironment(RequestReader reader)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal) { ["PATH"] = DefaultPath };
        var order = new List<string> { "PATH" };
        foreach (var item in reader.Items(SurfaceNames.EnvironmentVariable))
        {
            var name = item.ItemSpec;
            var value = item.Metadata.TryGetValue("Value", out var v) ? v : "";
            if (!IsValidEnvironmentName(name))
            {
                reader.Diagnostics.Error(Messages.InvalidEnvironmentName, item.Location, name);
                continue;
            }

            if (Plugins.PluginVocabulary.HasNoDefault(item))
            {
                continue; // a plugin setting with no default: set by `docker plugin set`, or not at all
            }

            if (value.Contains('\0'))
            {
                reader.Diagnostics.Error(Messages.NulByte, item.Location, $"{SurfaceNames.EnvironmentVariable} '{name}'", value.Replace('\0', '?'));
                continue;
            }

            if (!values.ContainsKey(name))
            {
                order.Add(name);
            }

            values[name] = value;
        }

        return order.Select(name => $"{name}={values[name]}").ToList();
    }

    public static bool IsValidEnvironmentName(string name) =>
        name.Length > 0
        && (char.IsAsciiLetter(name[0]) || name[0] == '_')
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    /// <summary>OciWorkingDirectory; <paramref name="defaultValue"/> (the app's folder when publish output is included) when unset.</summary>
    private static string ReadWorkingDirectory(RequestReader reader, string defaultValue)
    {
        var cwd = reader.String(SurfaceNames.WorkingDirectory);
        if (cwd is null)
        {
            return defaultValue;
        }

        if (!cwd.StartsWith('/'))
        {
            reader.Diagnostics.Error(Messages.WorkingDirectoryNotAbsolute, reader.Locate(SurfaceNames.WorkingDirectory), cwd);
            return "/";
        }

        return cwd;
    }

    private static User ReadUser(RequestReader reader)
    {
        var text = reader.String(SurfaceNames.User);
        if (text is null)
        {
            return new User();
        }

        if (!AccountNames.TrySplitUser(text, out var user, out var group))
        {
            reader.Diagnostics.Error(Messages.InvalidUser, reader.Locate(SurfaceNames.User), text);
            return new User();
        }

        // Numbers are written now; names wait for the rootfs (AccountResolver). A uid alone
        // means gid 0, as runc does for a numeric user.
        RequestReader.TryParseId(user, out var uid);
        uint gid = 0;
        if (group is not null)
        {
            RequestReader.TryParseId(group, out gid);
        }

        return new User { Uid = uid, Gid = gid };
    }

    private static List<uint>? ReadAdditionalGroups(RequestReader reader)
    {
        var gids = new List<uint>();
        foreach (var item in reader.Items(SurfaceNames.AdditionalGroup))
        {
            if (!AccountNames.IsNumberOrName(item.ItemSpec))
            {
                reader.Diagnostics.Error(Messages.InvalidGroup, item.Location, item.ItemSpec);
            }
            else if (RequestReader.TryParseId(item.ItemSpec, out var gid) && !gids.Contains(gid))
            {
                gids.Add(gid);
            }
        }

        return gids.Count > 0 ? gids : null;
    }
}
