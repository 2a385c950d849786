namespace OciBundle.Building;

/// <summary>The public property and item names (fixed by the design's surface page).</summary>
public static class SurfaceNames
{
    // General
    public const string BundleName = "OciBundleName";
    public const string BundleOutputPath = "OciBundleOutputPath";
    public const string BundleArchivePath = "OciBundleArchivePath";
    public const string RootfsFormat = "OciRootfsFormat";
    public const string RootfsCompressionLevel = "OciRootfsCompressionLevel";
    public const string SourceDateEpoch = "OciSourceDateEpoch";
    public const string SpecVersion = "OciSpecVersion";
    public const string TargetArchitecture = "OciTargetArchitecture";

    // Process
    public const string AdditionalGroup = "OciAdditionalGroup";
    public const string Entrypoint = "OciEntrypoint";
    public const string Args = "OciArgs";
    public const string WorkingDirectory = "OciWorkingDirectory";
    public const string EnvironmentVariable = "OciEnvironmentVariable";
    public const string User = "OciUser";
    public const string Hostname = "OciHostname";
    public const string Terminal = "OciTerminal";
    public const string NoNewPrivileges = "OciNoNewPrivileges";
    public const string RootfsReadonly = "OciRootfsReadonly";
    public const string Rlimit = "OciRlimit";
    public const string Umask = "OciUmask";
    public const string OomScoreAdj = "OciOomScoreAdj";

    // Isolation
    public const string SeccompProfile = "OciSeccompProfile";
    public const string Capability = "OciCapability";
    public const string MaskedPath = "OciMaskedPath";
    public const string ReadonlyPath = "OciReadonlyPath";
    public const string Namespace = "OciNamespace";
    public const string Mount = "OciMount";
    public const string Privileged = "OciPrivileged";
    public const string Device = "OciDevice";
    public const string AllowAllDevices = "OciAllowAllDevices";
    public const string NetworkMode = "OciNetworkMode";
    public const string HostIpc = "OciHostIpc";
    public const string HostPid = "OciHostPid";
    public const string UserNamespace = "OciUserNamespace";
    public const string UidMapping = "OciUidMapping";
    public const string GidMapping = "OciGidMapping";
    public const string Rootless = "OciRootless";
    public const string ApparmorProfile = "OciApparmorProfile";
    public const string SelinuxLabel = "OciSelinuxLabel";
    public const string MountLabel = "OciMountLabel";
    public const string RootfsPropagation = "OciRootfsPropagation";
    public const string Sysctl = "OciSysctl";
    public const string Annotation = "OciAnnotation";
    public const string Hook = "OciHook";

    // Resources
    public const string MemoryLimit = "OciMemoryLimit";
    public const string MemoryReservation = "OciMemoryReservation";
    public const string MemorySwap = "OciMemorySwap";
    public const string Cpus = "OciCpus";
    public const string CpuShares = "OciCpuShares";
    public const string CpuQuota = "OciCpuQuota";
    public const string CpuPeriod = "OciCpuPeriod";
    public const string CpusetCpus = "OciCpusetCpus";
    public const string CpusetMems = "OciCpusetMems";
    public const string PidsLimit = "OciPidsLimit";
    public const string BlockIOWeight = "OciBlockIOWeight";

    // Root filesystem content
    public const string BaseRootfs = "OciBaseRootfs";
    public const string BaseRootfsMaxSize = "OciBaseRootfsMaxSize";
    public const string BaseImage = "OciBaseImage";

    public const string RootfsFile = "OciRootfsFile";
    public const string RootfsDirectory = "OciRootfsDirectory";
    public const string RootfsSymlink = "OciRootfsSymlink";

    // Plugin metadata (Docker managed plugins)
    public const string PluginConfig = "OciPluginConfig";
    public const string PluginRuntimeSource = "OciPluginRuntimeSource";
    public const string BundleFormat = "OciBundleFormat";
    public const string PluginSocket = "OciPluginSocket";
    public const string PluginProtocolScheme = "OciPluginProtocolScheme";
    public const string Description = "OciDescription";
    public const string DocumentationUrl = "OciDocumentationUrl";
    public const string PluginInterface = "OciPluginInterface";
    public const string PropagatedMount = "OciPropagatedMount";
    // .NET apps
    public const string IncludePublishOutput = "OciIncludePublishOutput";
    public const string AppDirectory = "OciAppDirectory";
    public const string IncludeSharedLibraries = "OciIncludeSharedLibraries";
    public const string Sysroot = "OciSysroot";
    public const string SharedLibrary = "OciSharedLibrary";

    // OCI images
    public const string ImageName = "OciImageName";
    public const string ImageTag = "OciImageTag";
    public const string Port = "OciPort";
    public const string Label = "OciLabel";
    public const string GenerateLabels = "OciGenerateLabels";

    // Software bill of materials
    public const string Sbom = "OciSbom";
}
