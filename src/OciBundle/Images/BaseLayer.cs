namespace OciBundle.Images;

/// <summary>One layer of the base image: its blob descriptor as the manifest gives it, its diff_id.</summary>
public sealed record BaseLayer(Descriptor Blob, string DiffId);
