using OciBundle.Building;
using OciBundle.Diagnostics;

namespace OciBundle.Plugins;

/// <summary>What a build writes: the runc bundle, a folder for `docker plugin create`, or both.</summary>
[Flags]
public enum BundleFormat
{
    Runc = 1,
    DockerPlugin = 2,
    Both = Runc | DockerPlugin,
}

public static class BundleFormats
{
    /// <summary>The format, Runc when not set; null for an unknown value (reported only when <paramref name="report"/>).</summary>
    public static BundleFormat? Read(RequestReader reader, bool report)
    {
        var text = reader.String(SurfaceNames.BundleFormat);
        switch (text?.ToLowerInvariant())
        {
            case null or "runc":
                return BundleFormat.Runc;
            case "dockerplugin":
                return BundleFormat.DockerPlugin;
            case "both":
                return BundleFormat.Both;
            default:
                if (report)
                {
                    reader.Diagnostics.Error(Messages.UnknownBundleFormat, reader.Locate(SurfaceNames.BundleFormat), text);
                }

                return null;
        }
    }
}
