using System.Collections;
using Microsoft.Build.Framework;
using OciBundle.Building;
using OciBundle.Diagnostics;
using OciBundle.Images.Writing;
using OciBundle.Output;

namespace OciBundle.Tasks;

/// <summary>Copies the task's parameters into a BundleRequest: names in, plain values out.</summary>
internal static class RequestFactory
{
    /// <summary>The package's props, which declare the default items: tasks/net8.0/ → build/.</summary>
    private static readonly string DefaultItemsFile = Path.GetFullPath(
        Path.Combine(Path.GetDirectoryName(typeof(RequestFactory).Assembly.Location)!, "..", "..", "build", "OciBundle.Sdk.props"));

    public static BundleRequest Create(GenerateOciBundle task)
    {
        var projectFile = task.ProjectFullPath;
        var projectDirectory = Path.GetDirectoryName(projectFile) ?? Environment.CurrentDirectory;
        var locator = new ProjectSourceLocator(ProjectImports.Expand(
            task.ProjectFiles.Select(f => f.GetMetadata("FullPath")).Where(File.Exists).Distinct().ToList(), projectDirectory));
        // A property passed with -p: wins over any element in the files: then there is no line to show.
        var global = task.BuildEngine is IBuildEngine6 engine6
            ? engine6.GetGlobalProperties().Keys.ToHashSet(StringComparer.OrdinalIgnoreCase)
            : [];
        var request = new BundleRequest
        {
            ProjectDirectory = projectDirectory,
            LocateProperty = name => global.Contains(name) ? null : locator.LocateProperty(name),
            ProjectElements = locator.PropertyAndItemElements().ToList(),
        };

        request
            .With(SurfaceNames.BundleName, task.OciBundleName)
            .With(SurfaceNames.BundleOutputPath, task.OciBundleOutputPath)
            .With(SurfaceNames.BundleArchivePath, task.OciBundleArchivePath)
            .With(SurfaceNames.RootfsFormat, task.OciRootfsFormat)
            .With(SurfaceNames.RootfsCompressionLevel, task.OciRootfsCompressionLevel)
            .With(SurfaceNames.SourceDateEpoch, task.OciSourceDateEpoch)
            .With(SurfaceNames.SpecVersion, task.OciSpecVersion)
            .With(SurfaceNames.TargetArchitecture, task.OciTargetArchitecture)
            .With(TargetArchitecture.RuntimeIdentifierProperty, task.RuntimeIdentifier)
            .With(SurfaceNames.SeccompProfile, task.OciSeccompProfile)
            .With(SurfaceNames.WorkingDirectory, task.OciWorkingDirectory)
            .With(SurfaceNames.User, task.OciUser)
            .With(SurfaceNames.Hostname, task.OciHostname)
            .With(SurfaceNames.Terminal, task.OciTerminal)
            .With(SurfaceNames.NoNewPrivileges, task.OciNoNewPrivileges)
            .With(SurfaceNames.RootfsReadonly, task.OciRootfsReadonly)
            .With(SurfaceNames.Umask, task.OciUmask)
            .With(SurfaceNames.OomScoreAdj, task.OciOomScoreAdj)
            .With(SurfaceNames.ApparmorProfile, task.OciApparmorProfile)
            .With(SurfaceNames.SelinuxLabel, task.OciSelinuxLabel)
            .With(SurfaceNames.MountLabel, task.OciMountLabel)
            .With(SurfaceNames.RootfsPropagation, task.OciRootfsPropagation)
            .With(SurfaceNames.MemoryLimit, task.OciMemoryLimit)
            .With(SurfaceNames.MemoryReservation, task.OciMemoryReservation)
            .With(SurfaceNames.MemorySwap, task.OciMemorySwap)
            .With(SurfaceNames.Cpus, task.OciCpus)
            .With(SurfaceNames.CpuShares, task.OciCpuShares)
            .With(SurfaceNames.CpuQuota, task.OciCpuQuota)
            .With(SurfaceNames.CpuPeriod, task.OciCpuPeriod)
            .With(SurfaceNames.CpusetCpus, task.OciCpusetCpus)
            .With(SurfaceNames.CpusetMems, task.OciCpusetMems)
            .With(SurfaceNames.PidsLimit, task.OciPidsLimit)
            .With(SurfaceNames.BlockIOWeight, task.OciBlockIOWeight)
            .With(SurfaceNames.BaseRootfs, task.OciBaseRootfs)
            .With(SurfaceNames.BaseRootfsMaxSize, task.OciBaseRootfsMaxSize)
            .With(SurfaceNames.BaseImage, task.OciBaseImage)
            .With(ForeignNames.ContainerBaseImage, task.ContainerBaseImage)
            .With(SurfaceNames.Sbom, task.OciSbom)
            .With(ForeignNames.Company, task.Company)
            .With(SurfaceNames.Privileged, task.OciPrivileged)
            .With(SurfaceNames.AllowAllDevices, task.OciAllowAllDevices)
            .With(SurfaceNames.NetworkMode, task.OciNetworkMode)
            .With(SurfaceNames.HostIpc, task.OciHostIpc)
            .With(SurfaceNames.HostPid, task.OciHostPid)
            .With(SurfaceNames.UserNamespace, task.OciUserNamespace)
            .With(SurfaceNames.Rootless, task.OciRootless)
            .With(SurfaceNames.PluginConfig, task.OciPluginConfig)
            .With(SurfaceNames.PluginRuntimeSource, task.OciPluginRuntimeSource)
            .With(SurfaceNames.BundleFormat, task.OciBundleFormat)
            .With(SurfaceNames.PluginSocket, task.OciPluginSocket)
            .With(SurfaceNames.PluginProtocolScheme, task.OciPluginProtocolScheme)
            .With(SurfaceNames.Description, task.OciDescription)
            .With(SurfaceNames.DocumentationUrl, task.OciDocumentationUrl)
            .With(SurfaceNames.PropagatedMount, task.OciPropagatedMount)
            .With(SurfaceNames.IncludePublishOutput, task.OciIncludePublishOutput)
            .With(SurfaceNames.AppDirectory, task.OciAppDirectory)
            .With(PublishOutput.AssemblyNameProperty, task.AssemblyName)
            .With(PublishOutput.TargetFileNameProperty, task.TargetFileName)
            .With(SurfaceNames.IncludeSharedLibraries, task.OciIncludeSharedLibraries)
            .With(SurfaceNames.Sysroot, task.OciSysroot)
            .With(SurfaceNames.ImageName, task.OciImageName)
            .With(SurfaceNames.GenerateLabels, task.OciGenerateLabels)
            .With(ForeignNames.Version, task.Version)
            .With(ForeignNames.SourceRevisionId, task.SourceRevisionId)
            .With(ForeignNames.RepositoryUrl, task.RepositoryUrl)
            .With(ForeignNames.Title, task.Title)
            .With(ForeignNames.Description, task.Description)
            .With(ForeignNames.Authors, task.Authors)
            .With(ForeignNames.PackageLicenseExpression, task.PackageLicenseExpression)
            .With(ForeignNames.ContainerRegistry, task.ContainerRegistry)
            .With(ForeignNames.LocalRegistry, task.LocalRegistry)
            .With(ForeignNames.ContainerArchiveOutputPath, task.ContainerArchiveOutputPath)
            .With(ForeignNames.ContainerFamily, task.ContainerFamily)
            .With(ForeignNames.ContainerRuntimeIdentifiers, task.ContainerRuntimeIdentifiers)
            .With(ForeignNames.ContainerImageFormat, task.ContainerImageFormat)
            .With(ForeignNames.ContainerAppCommandInstruction, task.ContainerAppCommandInstruction)
            .With(ForeignNames.ContainerInformationUrl, task.ContainerInformationUrl)
            .With(ForeignNames.ContainerDocumentationUrl, task.ContainerDocumentationUrl)
            .With(ForeignNames.ContainerVendor, task.ContainerVendor)
            .With(BundleOptions.StampFileProperty, task.StampFile);

        (string Type, ITaskItem[] Items)[] items =
        [
            (SurfaceNames.Entrypoint, task.OciEntrypoint),
            (SurfaceNames.Args, task.OciArgs),
            (SurfaceNames.EnvironmentVariable, task.OciEnvironmentVariable),
            (SurfaceNames.Rlimit, task.OciRlimit),
            (SurfaceNames.Capability, task.OciCapability),
            (SurfaceNames.MaskedPath, task.OciMaskedPath),
            (SurfaceNames.ReadonlyPath, task.OciReadonlyPath),
            (SurfaceNames.Namespace, task.OciNamespace),
            (SurfaceNames.Mount, task.OciMount),
            (SurfaceNames.Device, task.OciDevice),
            (SurfaceNames.UidMapping, task.OciUidMapping),
            (SurfaceNames.GidMapping, task.OciGidMapping),
            (SurfaceNames.AdditionalGroup, task.OciAdditionalGroup),
            (SurfaceNames.Hook, task.OciHook),
            (SurfaceNames.Annotation, task.OciAnnotation),
            (SurfaceNames.Sysctl, task.OciSysctl),
            (SurfaceNames.RootfsFile, task.OciRootfsFile),
            (SurfaceNames.RootfsDirectory, task.OciRootfsDirectory),
            (SurfaceNames.RootfsSymlink, task.OciRootfsSymlink),
            (SurfaceNames.PluginInterface, task.OciPluginInterface),
            (PublishOutput.FileItemType, task.OciPublishFile),
            (SurfaceNames.SharedLibrary, task.OciSharedLibrary),
            (SurfaceNames.ImageTag, task.OciImageTag),
            (SurfaceNames.Port, task.OciPort),
            (SurfaceNames.Label, task.OciLabel),
        ];
        foreach (var (type, taskItems) in items)
        {
            request.WithItems(type, taskItems.Select(i => ToRequestItem(i, type, locator)));
        }

        return request;
    }

    private static RequestItem ToRequestItem(ITaskItem item, string itemType, ProjectSourceLocator locator)
    {
        var metadata = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (DictionaryEntry entry in item.CloneCustomMetadata())
        {
            metadata[(string)entry.Key] = (string?)entry.Value ?? "";
        }

        if (itemType is SurfaceNames.RootfsFile or PublishOutput.FileItemType)
        {
            // Well-known metadata the core needs for files placed from globs.
            metadata["FullPath"] = item.GetMetadata("FullPath");
            metadata["RecursiveDir"] = item.GetMetadata("RecursiveDir");
        }

        var definingFile = item.GetMetadata("DefiningProjectFullPath");
        return new RequestItem(item.ItemSpec, metadata, () => locator.LocateItem(definingFile, itemType, item.ItemSpec))
        {
            IsDefault = string.Equals(definingFile, DefaultItemsFile, StringComparison.Ordinal),
        };
    }
}
