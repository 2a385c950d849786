using OciBundle.Diagnostics;
using OciBundle.Platform;
using OciBundle.Request;
using OciBundle.Rootfs;
using OciBundle.Settings;
using OciBundle.Spec;

namespace OciBundle.Steps;

/// <summary>
/// Turns the names in OciUser and OciAdditionalGroup into the numbers runc needs, from the
/// rootfs's own /etc/passwd and /etc/group (never the build host's): a name means what the
/// container will see.
/// </summary>
public static class AccountResolver
{
    /// <summary>Names into numbers; each name the rootfs does not have is reported into <paramref name="diagnostics"/>.</summary>
    public static void Resolve(DiagnosticBag diagnostics, BundleSettings settings, RuntimeSpec spec, RootfsTree tree)
    {
        var users = new Lazy<Dictionary<string, (uint Uid, uint Gid)>?>(() => ReadPasswd(tree));
        var groups = new Lazy<Dictionary<string, uint>?>(() => ReadGroup(tree));

        // OciUser, else the base image's User: a name there means what the image's /etc/passwd says.
        // Messages name the image's User as such, and point at the base image's element.
        var ownUser = settings.Process.UserText;
        var imageReference = ownUser is null ? settings.BaseImage.Reference : null;
        var userText = ownUser ?? (imageReference is null ? null : settings.BaseImage.Image?.Config.User);
        var (location, shown) = ownUser is not null || imageReference is null
            ? (settings.Process.User.Origin.Location, SurfaceNames.User)
            : (settings.BaseImage.Location, $"The image config's User ({imageReference.Property} {imageReference.Text})");
        if (userText is { } text && AccountNames.TrySplitUser(text, out var user, out var group))
        {
            if (RequestReader.TryParseId(user, out var numericUid))
            {
                // The image's numeric User without a group: Docker and containerd take the group of
                // that uid's /etc/passwd line (getpwuid's, the first), else 0. Our OciUser's uid alone
                // stays gid 0, as runc does and properties.md says.
                if (group is null && ownUser is null && imageReference is not null && ReadPasswdLines(tree)?.FirstOrDefault(e => e.Uid == numericUid) is { } line)
                {
                    spec.Process.User.Gid = line.Gid;
                }
            }
            else
            {
                if (Lookup(diagnostics, users.Value, location, shown, text, user, "/etc/passwd") is { } entry)
                {
                    spec.Process.User.Uid = entry.Uid;
                    if (group is null)
                    {
                        spec.Process.User.Gid = entry.Gid; // the user's primary group
                    }
                }
            }

            if (group is not null && !RequestReader.TryParseId(group, out _)
                && LookupGroup(diagnostics, groups.Value, shown, text, group, location) is { } gid)
            {
                spec.Process.User.Gid = gid;
            }
        }

        var additional = settings.Process.AdditionalGroups;
        if (additional.Any(i => !RequestReader.TryParseId(i.Value, out _)))
        {
            var gids = new List<uint>();
            foreach (var item in additional)
            {
                uint? gid = RequestReader.TryParseId(item.Value, out var number) ? number
                    : LookupGroup(diagnostics, groups.Value, SurfaceNames.AdditionalGroup, item.Value, item.Value, item.Origin.Location);
                if (gid is { } value && !gids.Contains(value))
                {
                    gids.Add(value);
                }
            }

            spec.Process.User.AdditionalGids = gids.Count > 0 ? gids : null;
        }
    }

    private static (uint Uid, uint Gid)? Lookup(DiagnosticBag diagnostics, Dictionary<string, (uint, uint)>? table, SourceLocation? location, string shown, string value, string name, string file)
    {
        if (table is null)
        {
            diagnostics.Error(Messages.AccountFileMissing, location, shown, value, file);
            return null;
        }

        if (table.TryGetValue(name, out var entry))
        {
            return entry;
        }

        if (shown == SurfaceNames.User)
        {
            diagnostics.Error(Messages.UserNotFound, location, value, name);
        }
        else
        {
            diagnostics.Error(Messages.ImageUserNotFound, location, shown, value, name);
        }

        return null;
    }

    private static uint? LookupGroup(DiagnosticBag diagnostics, Dictionary<string, uint>? table, string name, string value, string group, SourceLocation? location)
    {
        if (table is null)
        {
            diagnostics.Error(Messages.AccountFileMissing, location, name, value, "/etc/group");
            return null;
        }

        if (table.TryGetValue(group, out var gid))
        {
            return gid;
        }

        diagnostics.Error(Messages.GroupNotFound, location, name, value, group);
        return null;
    }

    /// <summary>name:password:uid:gid:gecos:home:shell; the first line for a name wins, as in getpwnam.</summary>
    private static Dictionary<string, (uint Uid, uint Gid)>? ReadPasswd(RootfsTree tree)
    {
        if (ReadPasswdLines(tree) is not { } lines)
        {
            return null;
        }

        var result = new Dictionary<string, (uint, uint)>(StringComparer.Ordinal);
        foreach (var (name, uid, gid) in lines)
        {
            result.TryAdd(name, (uid, gid));
        }

        return result;
    }

    /// <summary>The valid lines of /etc/passwd in file order; null without the file.</summary>
    private static List<(string Name, uint Uid, uint Gid)>? ReadPasswdLines(RootfsTree tree)
    {
        if (ReadLines(tree, "etc/passwd") is not { } lines)
        {
            return null;
        }

        var result = new List<(string, uint, uint)>();
        foreach (var fields in lines.Select(l => l.Split(':')).Where(f => f.Length >= 4))
        {
            if (RequestReader.TryParseId(fields[2], out var uid) && RequestReader.TryParseId(fields[3], out var gid))
            {
                result.Add((fields[0], uid, gid));
            }
        }

        return result;
    }

    /// <summary>name:password:gid:members.</summary>
    private static Dictionary<string, uint>? ReadGroup(RootfsTree tree)
    {
        if (ReadLines(tree, "etc/group") is not { } lines)
        {
            return null;
        }

        var result = new Dictionary<string, uint>(StringComparer.Ordinal);
        foreach (var fields in lines.Select(l => l.Split(':')).Where(f => f.Length >= 3))
        {
            if (RequestReader.TryParseId(fields[2], out var gid))
            {
                result.TryAdd(fields[0], gid);
            }
        }

        return result;
    }

    private static string[]? ReadLines(RootfsTree tree, string path)
    {
        if (tree.ResolveFile(path) is not { SourcePath: { } source } entry)
        {
            return null;
        }

        try
        {
            using var reader = new StreamReader(InputFiles.OpenRead(source));
            var lines = new List<string>();
            while (reader.ReadLine() is { } line)
            {
                lines.Add(line);
            }

            return [.. lines];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw InputFiles.Unreadable(entry.Origin, source, e);
        }
    }
}
