using System.Globalization;
using OciBundle.Diagnostics;
using OciBundle.Request;
using OciBundle.Rootfs;

namespace OciBundle.Settings;

/// <summary>A uid and gid as OciUser (or the base image's User) gives them; names wait for the rootfs (AccountResolver).</summary>
public sealed record ProcessUser(uint Uid, uint Gid);

/// <summary>One OciRlimit item, its type canonical (RLIMIT_*) and both values known.</summary>
public sealed record RlimitValue(string Type, ulong Soft, ulong Hard);

/// <summary>
/// process as settings: the command (OciEntrypoint and OciArgs over the publish output's and the
/// base image's defaults), OciEnvironmentVariable, OciWorkingDirectory, OciUser,
/// OciAdditionalGroup, OciUmask, OciTerminal, OciNoNewPrivileges, OciOomScoreAdj and OciRlimit,
/// each parsed and checked alone (OCIB1xxx, and the base image config's values). A value that is
/// refused is left out (null), or falls back to what the spec had without it, as before.
/// </summary>
public sealed record ProcessSettings(
    Setting<IReadOnlyList<string>> Args,
    Setting<IReadOnlyList<string>> Env,
    Setting<string> Cwd,
    Setting<ProcessUser> User,
    Setting<IReadOnlyList<uint>>? AdditionalGids,
    Setting<uint>? Umask,
    Setting<bool> Terminal,
    Setting<bool> NoNewPrivileges,
    Setting<int>? OomScoreAdj,
    IReadOnlyList<Setting<RlimitValue>> Rlimits)
{
    /// <summary>OciUser as written (null when unset): a name waits for the rootfs (AccountResolver), and the image config keeps it as written.</summary>
    public string? UserText { get; init; }

    /// <summary>OciWorkingDirectory as written (null when unset): the plugin config's WorkDir keeps it.</summary>
    public string? CwdText { get; init; }

    /// <summary>Every OciAdditionalGroup item as written, names too (AccountResolver looks them up in the rootfs).</summary>
    public IReadOnlyList<Setting<string>> AdditionalGroups { get; init; } = [];

    /// <summary>Where the first OciEntrypoint item and the first OciArgs item were written, for the rootfs checks of the program.</summary>
    public SourceLocation? EntrypointItem { get; init; }

    public SourceLocation? ArgsItem { get; init; }

    /// <summary>How many of the OciArgs items there are: the plugin config's Entrypoint is the args without them.</summary>
    public int ArgsItemCount { get; init; }

    /// <summary>How many of <see cref="Args"/> are the output image's Entrypoint: the OciEntrypoint items, else the .NET app's default, else the base image's Entrypoint.</summary>
    public int ImageEntrypointLength { get; init; }

    /// <summary>The process values in the order the reports have always come in: command, env, cwd, user, groups, umask, switches, then rlimits.</summary>
    public static ProcessSettings Read(RequestReader reader, PublishOutput publish, Images.PlannedBaseImage? baseImage)
    {
        Origin Of(string name) => Origin.Property(reader, name);

        // A base image's config gives the defaults; what the project says (its items, or the
        // .NET app's own entrypoint and folder) wins, and its entrypoint drops the image's Cmd,
        // as a Dockerfile ENTRYPOINT does.
        var image = ImageDefaults(reader, baseImage);
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
        var env = ReadEnvironment(reader, image?.Env ?? []);
        var cwd = ReadWorkingDirectory(reader, publish.IsIncluded ? "/" + publish.AppDirectory : image?.WorkingDir is { } dir ? "/" + dir.TrimStart('/') : "/", out var cwdText);
        var user = ReadUser(reader, image?.User, out var userText);
        var groups = ReadAdditionalGroups(reader);
        var umask = ReadUmask(reader);
        var terminal = SurfaceReads.Terminal(reader);
        var noNewPrivileges = SurfaceReads.NoNewPrivileges(reader);
        var oomScoreAdj = (int?)SurfaceReads.OomScoreAdj(reader, -1000, 1000, text => reader.Diagnostics.Error(Messages.InvalidOomScoreAdj, reader.Locate(SurfaceNames.OomScoreAdj), text));
        var rlimits = ReadRlimits(reader);
        return new ProcessSettings(
            new([.. entrypoint, .. args], Of(SurfaceNames.Entrypoint)),
            new(env, new Origin(SurfaceNames.EnvironmentVariable, reader.Items(SurfaceNames.EnvironmentVariable).FirstOrDefault()?.Location)),
            new(cwd, Of(SurfaceNames.WorkingDirectory)),
            new(user, Of(SurfaceNames.User)),
            groups is null ? null : new(groups, new Origin(SurfaceNames.AdditionalGroup, reader.Items(SurfaceNames.AdditionalGroup).FirstOrDefault()?.Location)),
            umask is { } m ? new(m, Of(SurfaceNames.Umask)) : null,
            new(terminal, Of(SurfaceNames.Terminal)),
            new(noNewPrivileges, Of(SurfaceNames.NoNewPrivileges)),
            oomScoreAdj is { } o ? new(o, Of(SurfaceNames.OomScoreAdj)) : null,
            rlimits)
        {
            UserText = userText,
            CwdText = cwdText,
            AdditionalGroups = reader.Items(SurfaceNames.AdditionalGroup)
                .Select(i => new Setting<string>(i.ItemSpec, new Origin(SurfaceNames.AdditionalGroup, i.Location ?? reader.Locate(SurfaceNames.AdditionalGroup)))).ToList(),
            EntrypointItem = reader.Items(SurfaceNames.Entrypoint).FirstOrDefault()?.Location,
            ArgsItem = reader.Items(SurfaceNames.Args).FirstOrDefault()?.Location,
            ArgsItemCount = reader.Items(SurfaceNames.Args).Count,
            ImageEntrypointLength = reader.Items(SurfaceNames.Entrypoint).Count is > 0 and var given ? given
                : publish.IsIncluded ? publish.DefaultEntrypoint.Count
                : baseImage?.Config.Entrypoint.Count ?? 0,
        };
    }

    /// <summary>OciRlimit items (Include = RLIMIT_*, Soft, Hard); a later item of the same type takes the earlier one's place.</summary>
    private static List<Setting<RlimitValue>> ReadRlimits(RequestReader reader)
    {
        var limits = new List<Setting<RlimitValue>>();
        var duplicates = new DuplicateItems(reader, SurfaceNames.Rlimit);
        foreach (var item in reader.Items(SurfaceNames.Rlimit))
        {
            var type = item.ItemSpec.ToUpperInvariant();
            if (!type.StartsWith("RLIMIT_", StringComparison.Ordinal))
            {
                type = "RLIMIT_" + type;
            }

            if (!SpecVocabulary.Rlimits.Contains(type))
            {
                reader.Diagnostics.Error(Messages.UnknownRlimit, item.Location, item.ItemSpec, string.Join(", ", SpecVocabulary.Rlimits), NearestName.Hint(type, SpecVocabulary.Rlimits));
                continue;
            }

            duplicates.Check(item, type);

            // One of Soft and Hard is enough: the other takes the same value.
            if (item.Get("Soft") is null && item.Get("Hard") is null)
            {
                reader.Diagnostics.Error(Messages.RlimitValueMissing, item.Location, item.ItemSpec);
                continue;
            }

            if (!TryReadLimit(reader, item, "Soft", out var soft) | !TryReadLimit(reader, item, "Hard", out var hard))
            {
                continue;
            }

            var softValue = soft ?? hard!.Value;
            var hardValue = hard ?? softValue;
            if (softValue > hardValue)
            {
                reader.Diagnostics.Error(Messages.RlimitSoftAboveHard, item.Location, type, softValue, hardValue);
                continue;
            }

            limits.ReplaceOrAdd(l => l.Value.Type == type, new(new RlimitValue(type, softValue, hardValue), Origin.Item(SurfaceNames.Rlimit, item)));
        }

        return limits;
    }

    private static bool TryReadLimit(RequestReader reader, RequestItem item, string name, out ulong? value)
    {
        value = null;
        var text = item.Get(name);
        if (text is null)
        {
            return true;
        }

        if (text.Equals("unlimited", StringComparison.OrdinalIgnoreCase))
        {
            value = ulong.MaxValue; // RLIM_INFINITY
            return true;
        }

        if (ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
        {
            value = parsed;
            return true;
        }

        reader.Diagnostics.Error(Messages.InvalidRlimitValue, item.Location, item.ItemSpec, name, text);
        return false;
    }

    /// <summary>Octal, as umask(1) prints it; written as a number, which is what the spec's uint32 holds.</summary>
    private static uint? ReadUmask(RequestReader reader)
    {
        var text = SurfaceReads.Umask(reader);
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
    /// without a base image. The config was read and verified when the base image was planned (ReadingBaseImage).
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

        if (config.User is { } user && SurfaceReads.User(reader) is null && !AccountNames.TrySplitUser(user, out _, out _))
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
        var values = new Dictionary<string, string>(StringComparer.Ordinal) { ["PATH"] = SpecVocabulary.DefaultPath };
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
            if (!SpecVocabulary.IsValidEnvironmentName(name))
            {
                reader.Diagnostics.Error(Messages.InvalidEnvironmentName, item.Location, name);
                continue;
            }

            if (PluginVocabulary.HasNoDefault(item))
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

    /// <summary>OciWorkingDirectory; <paramref name="defaultValue"/> (the app's folder when publish output is included) when unset.</summary>
    private static string ReadWorkingDirectory(RequestReader reader, string defaultValue, out string? text)
    {
        var cwd = text = SurfaceReads.WorkingDirectory(reader);
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
    private static ProcessUser ReadUser(RequestReader reader, string? imageUser, out string? text)
    {
        text = SurfaceReads.User(reader);
        if (text is null && imageUser is not null && AccountNames.TrySplitUser(imageUser, out var imageName, out var imageGroup))
        {
            RequestReader.TryParseId(imageName, out var imageUid);
            uint imageGid = 0;
            if (imageGroup is not null)
            {
                RequestReader.TryParseId(imageGroup, out imageGid);
            }

            return new ProcessUser(imageUid, imageGid);
        }

        if (text is null)
        {
            return new ProcessUser(0, 0);
        }

        if (!AccountNames.TrySplitUser(text, out var user, out var group))
        {
            reader.Diagnostics.Error(Messages.InvalidUser, reader.Locate(SurfaceNames.User), text);
            return new ProcessUser(0, 0);
        }

        // Numbers are written now; names wait for the rootfs (AccountResolver). A uid alone
        // means gid 0, as runc does for a numeric user.
        RequestReader.TryParseId(user, out var uid);
        uint gid = 0;
        if (group is not null)
        {
            RequestReader.TryParseId(group, out gid);
        }

        return new ProcessUser(uid, gid);
    }

    private static IReadOnlyList<uint>? ReadAdditionalGroups(RequestReader reader)
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
