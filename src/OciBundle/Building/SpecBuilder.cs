using OciBundle.Plugins;
using OciBundle.Spec;

namespace OciBundle.Building;

/// <summary>
/// Turns a request into a runtime spec: start from nothing, then apply one small step per
/// concern, in order (the containerd spec-option style). Each step reads its own properties and
/// items, reports malformed values, and leaves the rest of the spec alone.
/// </summary>
public static class SpecBuilder
{
    public delegate void Step(RequestReader reader, RuntimeSpec spec);

    public static readonly IReadOnlyList<Step> Steps =
    [
        NameCheckStep.Apply,
        GeneralStep.Apply,
        ProcessStep.Apply,
        RlimitStep.Apply,
        CapabilityStep.Apply,
        SeccompStep.Apply, // reads the capabilities CapabilityStep granted
        NamespaceStep.Apply,
        MountStep.Apply,
        PathListStep.Apply,
        DeviceCgroupStep.Apply,
        DeviceStep.Apply,
        HostNamespacesStep.Apply,
        UserNamespaceStep.Apply,
        RootlessStep.Apply,
        HostnameStep.Apply,
        MemoryStep.Apply,
        CpuStep.Apply,
        PidsStep.Apply,
        BlockIOStep.Apply,
        SysctlStep.Apply,
        RootfsPropagationStep.Apply,
        SecurityLabelStep.Apply,
        AnnotationStep.Apply,
        HookStep.Apply,
        PluginStep.Apply, // after the mount, network and propagation steps whose output it extends
        PrivilegedStep.Apply, // last: it overrides what the steps before it wrote
    ];

    public static RuntimeSpec Build(BundleRequest request, DiagnosticBag diagnostics)
    {
        var reader = new RequestReader(request, diagnostics);
        var spec = new RuntimeSpec();
        foreach (var step in Steps)
        {
            step(reader, spec);
        }

        return spec;
    }
}
