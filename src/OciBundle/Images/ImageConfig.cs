namespace OciBundle.Images;

/// <summary>The parts of an image config we use (OCI image-spec config.go). Lists empty when absent.</summary>
public sealed record ImageConfig
{
    public string Os { get; init; } = "linux";

    public string Architecture { get; init; } = "";

    public string? Variant { get; init; }

    /// <summary>"NAME=value".</summary>
    public IReadOnlyList<string> Env { get; init; } = [];

    public IReadOnlyList<string> Entrypoint { get; init; } = [];

    public IReadOnlyList<string> Cmd { get; init; } = [];

    public string? WorkingDir { get; init; }

    public string? User { get; init; }

    public IReadOnlyDictionary<string, string> Labels { get; init; } = new SortedDictionary<string, string>(StringComparer.Ordinal);

    public string? StopSignal { get; init; }

    /// <summary>"8080/tcp", sorted.</summary>
    public IReadOnlyList<string> ExposedPorts { get; init; } = [];

    /// <summary>rootfs.diff_ids, "sha256:&lt;hex&gt;".</summary>
    public IReadOnlyList<string> DiffIds { get; init; } = [];
}
