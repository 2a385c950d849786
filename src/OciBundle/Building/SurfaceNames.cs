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

    // Isolation
    public const string Capability = "OciCapability";
    public const string MaskedPath = "OciMaskedPath";
    public const string ReadonlyPath = "OciReadonlyPath";
    public const string Namespace = "OciNamespace";
    public const string Mount = "OciMount";
    public const string SeccompProfile = "OciSeccompProfile";

    // Root filesystem content
    public const string BaseRootfs = "OciBaseRootfs";
    public const string RootfsFile = "OciRootfsFile";
    public const string RootfsDirectory = "OciRootfsDirectory";
    public const string RootfsSymlink = "OciRootfsSymlink";
}
