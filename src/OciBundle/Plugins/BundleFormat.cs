using OciBundle.Diagnostics;
using OciBundle.Request;

namespace OciBundle.Plugins;

/// <summary>What a build writes: the runc bundle, a folder for `docker plugin create`, an OCI image, or any of them together.</summary>
[Flags]
public enum BundleFormat
{
    Runc = 1,
    DockerPlugin = 2,
    Both = Runc | DockerPlugin,
    Image = 4,
}

public static class BundleFormats
{
    /// <summary>
    /// The formats of OciBundleFormat, a ';'-list of Runc, DockerPlugin, Image (any case; Both is
    /// Runc;DockerPlugin); Runc when not set. Null when an entry is unknown or the list is empty
    /// (reported once per unknown entry). Read by the settings stage only: others take
    /// <see cref="BundleSettings.Formats"/>.
    /// </summary>
    public static BundleFormat? Read(RequestReader reader)
    {
        var text = reader.String(SurfaceNames.BundleFormat);
        if (text is null)
        {
            return BundleFormat.Runc;
        }

        BundleFormat result = 0;
        var bad = false;
        foreach (var part in text.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            BundleFormat? one = part.ToLowerInvariant() switch
            {
                "runc" => BundleFormat.Runc,
                "dockerplugin" => BundleFormat.DockerPlugin,
                "both" => BundleFormat.Both,
                "image" => BundleFormat.Image,
                _ => null,
            };
            if (one is { } format)
            {
                result |= format;
                continue;
            }

            bad = true;
            reader.Diagnostics.Error(Messages.UnknownBundleFormat, reader.Locate(SurfaceNames.BundleFormat), part);
        }

        if (result == 0 && !bad)
        {
            bad = true; // ";" alone: a list that names nothing
            reader.Diagnostics.Error(Messages.UnknownBundleFormat, reader.Locate(SurfaceNames.BundleFormat), text);
        }

        return bad ? null : result;
    }
}
