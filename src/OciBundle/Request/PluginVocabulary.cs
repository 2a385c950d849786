
namespace OciBundle.Request;

/// <summary>The fixed words of Docker's managed-plugin format (moby's api/types/plugin.go and plugin/v2).</summary>
public static class PluginVocabulary
{
    /// <summary>Where Docker mounts the plugin's socket folder, and looks for interface.socket.</summary>
    public const string RuntimeDestination = "/run/docker/plugins";

    /// <summary>The only protocol scheme Docker speaks (pkg/plugins.ProtocolSchemeHTTPV1); empty means the same.</summary>
    public const string ProtocolSchemeHttpV1 = "moby.plugins.http/v1";

    /// <summary>Internal property: a network.type other than host (bridge, none) read from a plugin config.</summary>
    public const string NetworkTypeProperty = PlumbingNames.PluginNetworkType;

    /// <summary>The interface capabilities Docker dispatches on (docker.CAPABILITY/VERSION).</summary>
    public static readonly IReadOnlyList<string> InterfaceCapabilities =
        ["volumedriver", "networkdriver", "ipamdriver", "authz", "logdriver", "metricscollector"];

    /// <summary>The capabilities Docker's default spec grants every plugin before adding linux.capabilities.</summary>
    public static readonly IReadOnlyList<string> DockerDefaultCapabilities =
    [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID",
        "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
    ];

    /// <summary>What `docker plugin set` may change on each kind of setting (plugin/v2/settable.go).</summary>
    public static readonly IReadOnlyDictionary<string, string> AllowedSettable = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["env"] = "value",
        ["args"] = "value",
        ["mount"] = "source",
        ["device"] = "path",
    };

    /// <summary>
    /// An OciEnvironmentVariable whose value users set (Settable has value) and that gives no Value:
    /// a setting with no default. It is left out of process.env (as Docker leaves out a variable
    /// whose value is null) and written to the plugin config with "Value": null. MSBuild does not
    /// tell an empty metadata value from a missing one, so an empty Value counts as none.
    /// </summary>
    public static bool HasNoDefault(RequestItem variable) =>
        (!variable.Metadata.TryGetValue("Value", out var value) || value.Length == 0)
        && SplitSettable(variable.Get("Settable")).Contains("value");

    /// <summary>Settable metadata: field names separated by ',' or ';' (MSBuild lists), lower case as Docker compares them.</summary>
    public static IReadOnlyList<string> SplitSettable(string? text) =>
        (text ?? "").Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
