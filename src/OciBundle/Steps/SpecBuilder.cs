using OciBundle.Diagnostics;
using OciBundle.Request;
using OciBundle.Settings;
using OciBundle.Spec;

namespace OciBundle.Steps;

/// <summary>What a spec step gets: the settings read once, the origins it records, and where it reports what a setting makes of the spec.</summary>
public sealed class SpecContext(DiagnosticBag diagnostics, BundleSettings settings, SpecOrigins origins)
{
    public BundleSettings Settings => settings;

    public SpecOrigins Origins => origins;

    public DiagnosticBag Diagnostics => diagnostics;
}

/// <summary>A built spec with where each part came from and the settings it was built from.</summary>
public sealed record BuiltSpec(RuntimeSpec Spec, SpecOrigins Origins, BundleSettings Settings);

/// <summary>
/// Turns settings into a runtime spec: start from nothing, then apply one small step per concern,
/// phase by phase (the containerd spec-option style). A step sets its part of the spec and records
/// where it came from; the phases' order is what a step may rely on (a later phase sees, and may
/// extend or override, what an earlier one wrote).
/// </summary>
public static class SpecBuilder
{
    public delegate void Step(SpecContext context, RuntimeSpec spec);

    /// <summary>A named group of steps; phases run in order, and so do the steps inside one.</summary>
    public sealed record Phase(string Name, IReadOnlyList<Step> Steps);

    public static readonly IReadOnlyList<Phase> Phases =
    [
        new("process", [GeneralStep.Apply, ProcessStep.Apply, RlimitStep.Apply, CapabilityStep.Apply]),
        new("seccomp (reads the granted capabilities)", [SeccompStep.Apply]),
        new("namespaces and mounts", [NamespaceStep.Apply, MountStep.Apply, PathListStep.Apply, DeviceCgroupStep.Apply, DeviceStep.Apply, HostNamespacesStep.Apply, UserNamespaceStep.Apply, RootlessStep.Apply]),
        new("hostname (needs the uts namespace)", [HostnameStep.Apply]),
        new("resources (beside the device cgroup)", [ResourcesStep.Apply]),
        new("kernel and labels", [SysctlStep.Apply, RootfsPropagationStep.Apply, SecurityLabelStep.Apply, AnnotationStep.Apply, HookStep.Apply]),
        new("plugin (extends mounts, network and propagation)", [PluginStep.Apply]),
        new("privileged (overrides what the others wrote)", [PrivilegedStep.Apply]),
    ];

    /// <summary>The steps of <see cref="Phases"/> in the order they run.</summary>
    public static IEnumerable<Step> Steps => Phases.SelectMany(p => p.Steps);

    /// <summary>Reads the settings and builds the spec; for callers that need only the spec.</summary>
    public static RuntimeSpec Build(BundleRequest request, DiagnosticBag diagnostics) =>
        Build(new RequestReader(request, diagnostics)).Spec;

    /// <summary>The settings stage, then the spec steps.</summary>
    public static BuiltSpec Build(RequestReader reader) => Build(reader, SettingsReader.Read(reader));

    public static BuiltSpec Build(RequestReader reader, BundleSettings settings)
    {
        var context = new SpecContext(reader.Diagnostics, settings, new SpecOrigins());
        var spec = new RuntimeSpec();
        foreach (var step in Steps)
        {
            step(context, spec);
        }

        return new BuiltSpec(spec, context.Origins, settings);
    }
}
