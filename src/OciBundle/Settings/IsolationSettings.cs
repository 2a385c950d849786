using OciBundle.Diagnostics;
using OciBundle.Request;
using OciBundle.Spec;

namespace OciBundle.Settings;

/// <summary>
/// One item of a list whose entries the spec keys (a mount's destination, a namespace's type, a
/// sysctl's key): the key as the project wrote it, the value when it was accepted (null: refused
/// and reported), and the item. Refused items keep their origin because the steps always recorded
/// where a key was last written, also when that item was then refused.
/// </summary>
public sealed record ItemSetting<T>(string Key, T? Value, Origin Origin)
    where T : class;

/// <summary>A granted capability, canonical (CAP_…), and whether it is also ambient.</summary>
public sealed record CapabilityValue(string Name, bool Ambient);

/// <summary>An OciNamespace item: the type in lower case and, to join one, its path.</summary>
public sealed record NamespaceValue(string Type, string? Path);

/// <summary>A list of paths (OciMaskedPath, OciReadonlyPath) or id mappings; Origin is the project's own item, null when only defaults wrote it.</summary>
public sealed record ListSetting<T>(IReadOnlyList<T> Values, Origin? Origin);

/// <summary>One OciUidMapping or OciGidMapping item.</summary>
public sealed record IdMappingValue(uint ContainerId, uint HostId, uint Size);

/// <summary>
/// The isolation group as settings: OciCapability, OciSeccompProfile, OciNamespace, OciMount,
/// OciMaskedPath, OciReadonlyPath, OciDevice, OciAllowAllDevices, OciNetworkMode, OciHostIpc,
/// OciHostPid, OciUserNamespace with OciUidMapping and OciGidMapping, OciRootless and OciHostname,
/// each parsed and checked alone (OCIB1xxx, OCIB2005 for a project's duplicate item).
/// </summary>
public sealed record IsolationSettings(
    IReadOnlyList<Setting<CapabilityValue>> Capabilities,
    Origin? AmbientOrigin,
    SeccompSettings Seccomp,
    IReadOnlyList<ItemSetting<NamespaceValue>> Namespaces,
    IReadOnlyList<ItemSetting<MountValue>> Mounts,
    ListSetting<string> MaskedPaths,
    ListSetting<string> ReadonlyPaths,
    IReadOnlyList<Setting<DeviceValue>> Devices,
    Setting<bool> AllowAllDevices,
    Setting<bool> HostNetwork,
    Setting<bool> HostIpc,
    Setting<bool> HostPid,
    ListSetting<IdMappingValue> UidMappings,
    ListSetting<IdMappingValue> GidMappings,
    Setting<bool> UserNamespace,
    Setting<bool> Rootless,
    Setting<string>? Hostname)
{
    /// <summary>The isolation values in the order their steps have always reported them.</summary>
    public static IsolationSettings Read(RequestReader reader, bool privileged)
    {
        Setting<bool> Switch(string name, bool value) => new(value, Origin.Property(reader, name));

        var (capabilities, ambientOrigin) = ReadCapabilities(reader);
        var seccomp = SeccompSettings.Read(reader, privileged);
        var namespaces = ReadNamespaces(reader);
        var mounts = MountSettings.ReadMounts(reader);
        var masked = MountSettings.ReadPaths(reader, SurfaceNames.MaskedPath);
        var readonlyPaths = MountSettings.ReadPaths(reader, SurfaceNames.ReadonlyPath);
        var devices = DeviceSettings.Read(reader);
        var allowAll = Switch(SurfaceNames.AllowAllDevices, SurfaceReads.AllowAllDevices(reader));
        var hostNetwork = ReadNetworkMode(reader);
        var hostIpc = Switch(SurfaceNames.HostIpc, SurfaceReads.HostIpc(reader));
        var hostPid = Switch(SurfaceNames.HostPid, SurfaceReads.HostPid(reader));
        var uids = ReadMappings(reader, SurfaceNames.UidMapping);
        var gids = ReadMappings(reader, SurfaceNames.GidMapping);
        var userNamespace = Switch(SurfaceNames.UserNamespace, SurfaceReads.UserNamespace(reader));
        var rootless = Switch(SurfaceNames.Rootless, SurfaceReads.Rootless(reader));

        // The other steps never take the uts namespace away, so an accepted uts item is the
        // namespace the hostname's default needs.
        var hostname = ReadHostname(reader, namespaces.Any(n => n.Value?.Type == "uts"));
        return new IsolationSettings(
            capabilities, ambientOrigin, seccomp, namespaces, mounts, masked, readonlyPaths, devices, allowAll,
            hostNetwork, hostIpc, hostPid, uids, gids, userNamespace, rootless, hostname);
    }

    /// <summary>OciCapability items: names in any case, with or without CAP_; unknown names are errors (runc would ignore them).</summary>
    private static (List<Setting<CapabilityValue>>, Origin?) ReadCapabilities(RequestReader reader)
    {
        var result = new List<Setting<CapabilityValue>>();
        var items = reader.Items(SurfaceNames.Capability);
        foreach (var item in items)
        {
            if (!LinuxCapabilities.TryCanonicalize(item.ItemSpec, out var name))
            {
                // The hint compares the name as the list spells it (upper case, CAP_ added), so
                // 'net_admn' is one edit from CAP_NET_ADMIN.
                reader.Diagnostics.Error(Messages.UnknownCapability, item.Location, item.ItemSpec, NearestName.Hint(name, LinuxCapabilities.All));
                continue;
            }

            result.Add(new(new CapabilityValue(name, IsTrue(reader, item, "Ambient")), Origin.Item(SurfaceNames.Capability, item)));
        }

        // The ambient set as a whole points at the last capability item.
        return (result, items.Count > 0 ? Origin.Item(SurfaceNames.Capability, items[^1]) : null);
    }

    private static bool IsTrue(RequestReader reader, RequestItem item, string metadata)
    {
        var text = item.Get(metadata);
        if (text is null)
        {
            return false;
        }

        if (bool.TryParse(text, out var value))
        {
            return value;
        }

        reader.Diagnostics.Error(Messages.InvalidBoolean, item.Location, $"{SurfaceNames.Capability} '{item.ItemSpec}' {metadata}", text);
        return false;
    }

    /// <summary>OciNamespace items (Include = type, optional Path to join one).</summary>
    private static List<ItemSetting<NamespaceValue>> ReadNamespaces(RequestReader reader)
    {
        var result = new List<ItemSetting<NamespaceValue>>();
        var duplicates = new DuplicateItems(reader, SurfaceNames.Namespace);
        foreach (var item in reader.Items(SurfaceNames.Namespace))
        {
            var type = item.ItemSpec.Trim().ToLowerInvariant();
            if (!SpecVocabulary.NamespaceTypes.Contains(type))
            {
                reader.Diagnostics.Error(Messages.UnknownNamespace, item.Location, item.ItemSpec, NearestName.Hint(type, SpecVocabulary.NamespaceTypes));
                continue;
            }

            duplicates.Check(item, type);
            var path = item.Get("Path");
            var accepted = path is null || path.StartsWith('/');
            if (!accepted)
            {
                reader.Diagnostics.Error(Messages.PathNotAbsolute, item.Location, $"{SurfaceNames.Namespace} '{type}' Path", path);
            }

            result.Add(new(type, accepted ? new NamespaceValue(type, path) : null, Origin.Item(SurfaceNames.Namespace, item)));
        }

        return result;
    }

    /// <summary>OciNetworkMode: private (the default) or host, in any case.</summary>
    private static Setting<bool> ReadNetworkMode(RequestReader reader)
    {
        var mode = SurfaceReads.NetworkMode(reader)?.ToLowerInvariant() ?? "private";
        if (mode is not ("private" or "host"))
        {
            reader.Diagnostics.Error(Messages.UnknownNetworkMode, reader.Locate(SurfaceNames.NetworkMode), SurfaceReads.NetworkMode(reader));
        }

        return new(mode == "host", Origin.Property(reader, SurfaceNames.NetworkMode));
    }

    /// <summary>OciUidMapping or OciGidMapping items (Include or ContainerID, HostID, Size); the origin is the first item.</summary>
    private static ListSetting<IdMappingValue> ReadMappings(RequestReader reader, string itemType)
    {
        var result = new List<IdMappingValue>();
        var items = reader.Items(itemType);
        foreach (var item in items)
        {
            var containerText = item.Get("ContainerID") ?? item.ItemSpec;
            if (TryReadId(reader, item, itemType, "ContainerID", containerText, out var containerId)
                & TryReadId(reader, item, itemType, "HostID", item.Get("HostID"), out var hostId)
                & TryReadId(reader, item, itemType, "Size", item.Get("Size"), out var size))
            {
                result.Add(new IdMappingValue(containerId, hostId, size));
            }
        }

        return new(result, items.Count > 0 ? Origin.Item(itemType, items[0]) : null);
    }

    private static bool TryReadId(RequestReader reader, RequestItem item, string itemType, string name, string? text, out uint value)
    {
        value = 0;
        if (text is not null && RequestReader.TryParseId(text, out value) && (name != "Size" || value > 0))
        {
            return true;
        }

        reader.Diagnostics.Error(Messages.InvalidIdMapping, item.Location, itemType, item.ItemSpec, name, text ?? "");
        return false;
    }

    /// <summary>
    /// OciHostname, else OciBundleName when the container has its own uts namespace (without one
    /// runc cannot set a hostname, so a default must not ask for it). A bad name is reported and
    /// still written, as before, so the rules over the spec see it too.
    /// </summary>
    private static Setting<string>? ReadHostname(RequestReader reader, bool hasUtsNamespace)
    {
        var hostname = SurfaceReads.Hostname(reader);
        if (hostname is null && hasUtsNamespace)
        {
            hostname = SurfaceReads.BundleName(reader);
        }

        if (hostname is not null && !SpecVocabulary.IsValidHostname(hostname))
        {
            reader.Diagnostics.Error(Messages.InvalidHostname, reader.Locate(SurfaceNames.Hostname), hostname);
        }

        // OciHostname is what the user changes, also when the bundle name gave the default.
        return hostname is null ? null : new(hostname, Origin.Property(reader, SurfaceNames.Hostname));
    }
}
