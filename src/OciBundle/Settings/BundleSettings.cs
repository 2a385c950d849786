using OciBundle.Diagnostics;
using OciBundle.Images;
using OciBundle.Platform;
using OciBundle.Request;
using OciBundle.Rootfs;

namespace OciBundle.Settings;

/// <summary>Where a setting was written: the property's or item type's name and, when the project wrote it, its element.</summary>
public sealed record Origin(string Name, SourceLocation? Location)
{
    public static Origin Property(RequestReader reader, string name) => new(name, reader.Locate(name));

    public static Origin Item(string itemType, RequestItem item) => new(itemType, item.Location);
}

/// <summary>A typed value and where it was written.</summary>
public sealed record Setting<T>(T Value, Origin Origin);

/// <summary>
/// The project's settings, parsed once by <see cref="SettingsReader"/> before any spec step runs.
/// The values several stages need (target architecture, publish output, formats, plugin mode,
/// privileged, base image) are computed here once, so each is reported once and agrees everywhere.
/// </summary>
public sealed class BundleSettings
{
    /// <summary>OciTargetArchitecture, else RuntimeIdentifier's, else the build machine's.</summary>
    public required Setting<TargetArchitecture> Architecture { get; init; }

    /// <summary>How the architecture was written (OciTargetArchitecture, else RuntimeIdentifier), for the base image's platform variant.</summary>
    public required string? ArchitectureText { get; init; }

    public required PublishOutput Publish { get; init; }

    /// <summary>OciBundleFormat; null when an entry is unknown (reported).</summary>
    public required Setting<BundleFormat?> Formats { get; init; }

    /// <summary>A plugin config, a plugin socket or interface, or the DockerPlugin format: the project is a Docker managed plugin.</summary>
    public required bool IsPlugin { get; init; }

    /// <summary>The plugin's own settings; null for other projects.</summary>
    public required PluginSettings? Plugin { get; init; }

    public required Setting<bool> Privileged { get; init; }

    /// <summary>OciBaseImage (or ContainerBaseImage) parsed and, when it is good, resolved for the target platform.</summary>
    public required BaseImageSettings BaseImage { get; init; }

    public required ResourcesSettings Resources { get; init; }

    public required ProcessSettings Process { get; init; }

    public required GeneralSettings General { get; init; }

    public required IsolationSettings Isolation { get; init; }

    public required KernelSettings Kernel { get; init; }
    /// <summary>The output group (folder, archive, rootfs format, level, epoch, SBOM); null when OciBundleOutputPath is missing (reported).</summary>
    public required BundleOptions? Output { get; init; }

    /// <summary>The rootfs group: OciBaseRootfs, the OciRootfs* items, the shared libraries, checked, no I/O but existence.</summary>
    public required RootfsPlan Rootfs { get; init; }

    /// <summary>The image group (OciImageName, tags, ports, labels); null without the Image format or when one is malformed (reported).</summary>
    public required ImageSettings? Image { get; init; }
}

/// <summary>The base image: the reference as parsed (null when unset or wrong, reported) and the image as planning read it.</summary>
public sealed record BaseImageSettings(ImageReference? Reference, PlannedBaseImage? Image)
{
    public static readonly BaseImageSettings None = new(null, null);

    /// <summary>Where the reference was written (OciBaseImage's or ContainerBaseImage's element), for messages about what came from the image.</summary>
    public SourceLocation? Location { get; init; }
}
