using System.Globalization;
using OciBundle.Images;
using OciBundle.Settings;
using OciBundle.Spec;

namespace OciBundle.Output.Image;

/// <summary>
/// The output image's config from the bundle's own spec, so `docker run` of the image starts the
/// same process as `runc run` of the bundle: process.args split into Entrypoint (OciEntrypoint,
/// or the .NET app's default, or the base image's) and Cmd (the rest: OciArgs), process.env,
/// process.cwd, the user as the project wrote it, plus ports and labels. What an image config
/// cannot carry (capabilities, seccomp, mounts, resources, hooks, namespaces) stays in the bundle.
/// </summary>
public static class ImageConfigBuilder
{
    /// <summary>The prefix the generated labels share.</summary>
    public const string LabelPrefix = "org.opencontainers.image.";

    public static ImageConfig Build(BundleSettings bundle, ImageSettings settings, RuntimeSpec spec, long sourceDateEpoch, BaseImage? baseImage)
    {
        var process = spec.Process;
        var args = process.Args;
        var entrypointLength = Math.Min(bundle.Process.ImageEntrypointLength, args.Count);
        var architecture = bundle.Architecture.Value;
        return new ImageConfig
        {
            Os = "linux",
            Architecture = architecture.Name,
            Variant = architecture.PlatformVariant(), // v7 for any arm: how the target was written does not reach the image config
            Env = process.Env.ToList(),
            Entrypoint = args.Take(entrypointLength).ToList(),
            Cmd = args.Skip(entrypointLength).ToList(),
            WorkingDir = process.Cwd,
            User = User(bundle.Process.UserText, spec, baseImage),
            Labels = Labels(settings, sourceDateEpoch, baseImage),
            StopSignal = baseImage?.Config.StopSignal,
            ExposedPorts = settings.ExposedPorts.Union(baseImage?.Config.ExposedPorts ?? [], StringComparer.Ordinal).Order(PortOrder.Instance).ToList(),
        };
    }

    /// <summary>RFC 3339 in UTC, to the second, as the image spec's "created" and the created label want it.</summary>
    public static string Created(long sourceDateEpoch) =>
        DateTimeOffset.FromUnixTimeSeconds(sourceDateEpoch).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Base image labels first, then the generated ones, then the project's OciLabel items: the later wins.</summary>
    public static SortedDictionary<string, string> Labels(ImageSettings settings, long sourceDateEpoch, BaseImage? baseImage)
    {
        var labels = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in baseImage?.Config.Labels ?? new Dictionary<string, string>())
        {
            labels[key] = value;
        }

        if (settings.GenerateLabels)
        {
            var m = settings.Metadata;
            void Generated(string name, string? value)
            {
                if (!string.IsNullOrWhiteSpace(value))
                {
                    labels[LabelPrefix + name] = value;
                }
            }

            Generated("created", Created(sourceDateEpoch));
            Generated("version", m.Version);
            Generated("revision", m.Revision);
            Generated("source", TrimGitSuffix(m.Source));
            Generated("title", m.Title);
            Generated("description", m.Description);
            Generated("authors", m.Authors);
            Generated("licenses", m.Licenses);
            if (baseImage is not null)
            {
                Generated("base.name", baseImage.Reference);
                Generated("base.digest", baseImage.Manifest.Digest);
            }
        }

        foreach (var (key, value) in settings.Labels)
        {
            labels[key] = value;
        }

        return labels;
    }

    /// <summary>The user as the project wrote it (a name stays a name: the image's /etc/passwd resolves it, as for the bundle); else the base image's.</summary>
    private static string? User(string? written, RuntimeSpec spec, BaseImage? baseImage)
    {
        if (written is { } text)
        {
            return text;
        }

        if (baseImage?.Config.User is { Length: > 0 } inherited)
        {
            return inherited;
        }

        var user = spec.Process.User;
        return user.Uid == 0 && user.Gid == 0 ? null : string.Create(CultureInfo.InvariantCulture, $"{user.Uid}:{user.Gid}");
    }

    /// <summary>As the .NET SDK does for org.opencontainers.image.source: https://host/repo.git → https://host/repo.</summary>
    private static string? TrimGitSuffix(string? url) =>
        url is not null && url.EndsWith(".git", StringComparison.OrdinalIgnoreCase) && url.Contains("://", StringComparison.Ordinal) ? url[..^4] : url;

    /// <summary>"80/tcp" before "443/tcp" before "8080/udp": by number, then protocol.</summary>
    private sealed class PortOrder : IComparer<string>
    {
        public static readonly PortOrder Instance = new();

        public int Compare(string? x, string? y)
        {
            static (int, string) Split(string? p)
            {
                var parts = (p ?? "").Split('/', 2);
                return (int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : int.MaxValue, parts.Length > 1 ? parts[1] : "");
            }

            var (a, b) = (Split(x), Split(y));
            return a.Item1 != b.Item1 ? a.Item1.CompareTo(b.Item1) : string.CompareOrdinal(a.Item2, b.Item2);
        }
    }
}
