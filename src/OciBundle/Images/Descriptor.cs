namespace OciBundle.Images;

/// <summary>A content descriptor: media type, "sha256:&lt;hex&gt;" digest, size.</summary>
public sealed record Descriptor(string MediaType, string Digest, long Size);
