using OciBundle.Diagnostics;
using OciBundle.Spec;

namespace OciBundle.Building;

/// <summary>process: args, env, cwd, user (with umask), terminal, noNewPrivileges, oomScoreAdj.</summary>
public static class ProcessStep
{
    public const string DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    public static void Apply(SpecContext context, RuntimeSpec spec)
    {
        var reader = context.Reader;
        var process = spec.Process;
        var publish = context.Settings.Publish;

        // A base image's config gives the defaults; what the project says (its items, or the
        // .NET app's own entrypoint and folder) wins, and its entrypoint drops the image's Cmd,
        // as a Dockerfile ENTRYPOINT does.
        var image = ImageDefaults(reader, context.Settings.BaseImage.Image);
        List<string> entrypoint;
        var projectEntrypoint = true;
        if (reader.Items(SurfaceNames.Entrypoint).Count > 0)
        {
            entrypoint = ReadArgs(reader, SurfaceNames.Entrypoint).ToList();
        }
        else if (publish.IsIncluded && (publish.DefaultEntrypoint.Count > 0 || image is null))
        {
            entrypoint = [.. publish.DefaultEntrypoint];
        }
        else
        {
            entrypoint = [.. image?.Entrypoint ?? []];
            projectEntrypoint = false;
        }

        var args = reader.Items(SurfaceNames.Args).Count > 0 || projectEntrypoint || image is null
            ? ReadArgs(reader, SurfaceNames.Args).ToList()
            : [.. image.Cmd];
        process.Args = [.. entrypoint, .. args];
        context.Origins.Set(SpecPaths.Args, Origin.Property(reader, SurfaceNames.Entrypoint));
        process.Env = ReadEnvironment(reader, image?.Env ?? []);
        process.Cwd = ReadWorkingDirectory(reader, publish.IsIncluded ? "/" + publish.AppDirectory : image?.WorkingDir is { } dir ? "/" + dir.TrimStart('/') : "/");
        process.User = ReadUser(reader, image?.User);
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

    /// <summary>
    /// The base image's config, its values checked (no NUL, a user in a form runc takes); null
    /// without a base image. Reading it is the first I/O of a build: small JSON, verified.
    /// </summary>
    private static Images.ImageConfig? ImageDefaults(RequestReader reader, Images.PlannedBaseImage? image)
    {
        if (image is null)
        {
            return null;
        }

        var config = image.Config;
        var location = reader.Locate(image.Reference.Property);
        void Invalid(string field, string value, string why, string fix) =>
            reader.Diagnostics.Error(Messages.ImageConfigValueInvalid, location, image.Reference.Property, image.Reference.Text, field, Images.Sources.ImageJson.Shown(value), why, fix);

        foreach (var (field, values, fix) in new[] { ("Entrypoint", config.Entrypoint, SurfaceNames.Entrypoint), ("Cmd", config.Cmd, SurfaceNames.Args), ("Env", config.Env, SurfaceNames.EnvironmentVariable) })
        {
            if (values.FirstOrDefault(v => v.Contains('\0')) is { } bad)
            {
                Invalid(field, bad, "which contains a NUL character", fix);
                return null;
            }
        }

        if (config.WorkingDir is { } dir && dir.Contains('\0'))
        {
            Invalid("WorkingDir", dir, "which contains a NUL character", SurfaceNames.WorkingDirectory);
            return null;
        }

        if (config.User is { } user && reader.String(SurfaceNames.User) is null && !AccountNames.TrySplitUser(user, out _, out _))
        {
            Invalid("User", user, "which is not uid, uid:gid, name or name:group", SurfaceNames.User);
            return null;
        }

        return config;
    }

    /// <summary>
    /// PATH first (the image's when it has one, else ours), then the image's variables, then the
    /// items in order; a repeated name keeps its first place and takes its last value.
    /// </summary>
    private static List<string> ReadEnvironment(RequestReader reader, IReadOnlyList<string> imageEnv)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal) { ["PATH"] = DefaultPath };
        var order = new List<string> { "PATH" };
        foreach (var variable in imageEnv)
        {
            var equals = variable.IndexOf('=');
            if (equals <= 0)
            {
                continue; // "NAME" alone unsets in Docker; nothing to set here
            }

            var name = variable[..equals];
            if (!values.ContainsKey(name))
            {
                order.Add(name);
            }

            values[name] = variable[(equals + 1)..];
        }

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

    /// <summary>OciUser, else the base image's User (checked by <see cref="ImageDefaults"/>).</summary>
    private static User ReadUser(RequestReader reader, string? imageUser)
    {
        var text = reader.String(SurfaceNames.User);
        if (text is null && imageUser is not null && AccountNames.TrySplitUser(imageUser, out var imageName, out var imageGroup))
        {
            RequestReader.TryParseId(imageName, out var imageUid);
            uint imageGid = 0;
            if (imageGroup is not null)
            {
                RequestReader.TryParseId(imageGroup, out imageGid);
            }

            return new User { Uid = imageUid, Gid = imageGid };
        }

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
