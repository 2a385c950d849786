using OciBundle.Diagnostics;
using OciBundle.Request;
using OciBundle.Rootfs;
using OciBundle.Settings;

namespace OciBundle.Plugins;

/// <summary>What a plugin needs from its finished rootfs: the socket folder, and the propagated mount's folder.</summary>
public static class PluginRootfs
{
    /// <summary>The propagated mount is bound from the rootfs's own folder, so that folder must exist: add it as a mount point.</summary>
    public static void AddMountPoints(BundleSettings settings, RootfsTree tree)
    {
        if (settings.Plugin?.PropagatedMount?.Value is { } propagated)
        {
            tree.EnsureDirectory(propagated.Trim('/'), $"propagated mount {propagated}");
        }
    }

    /// <summary>
    /// Docker mounts the socket folder at /run/docker/plugins and waits for the socket there; the
    /// folder is the plugin author's to provide (and to choose the mode of), so it is checked, not added.
    /// </summary>
    public static void Check(DiagnosticBag diagnostics, BundleSettings settings, RootfsTree tree)
    {
        if (settings.IsPlugin && !tree.ResolveDirectory(PluginVocabulary.RuntimeDestination.TrimStart('/')))
        {
            diagnostics.Error(Messages.PluginRuntimeFolderMissing, settings.Plugin?.ConfigLocation);
        }
    }
}
