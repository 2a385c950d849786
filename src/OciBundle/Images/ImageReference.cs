namespace OciBundle.Images;

/// <summary>The three local transports skopeo writes and reads.</summary>
public enum ImageTransport
{
    /// <summary>oci:PATH[:REF], an OCI image layout folder.</summary>
    Oci,

    /// <summary>oci-archive:PATH[:REF], an OCI image layout as one tar.</summary>
    OciArchive,

    /// <summary>docker-archive:PATH[:NAME:TAG], what docker save writes.</summary>
    DockerArchive,
}

/// <summary>
/// OciBaseImage (or ContainerBaseImage) parsed: a transport, the host path (resolved against the
/// project folder) and the optional image name inside it. Parsing touches no disk.
/// </summary>
/// <param name="Property">The property it was read from, for messages.</param>
/// <param name="Text">As the user wrote it.</param>
public sealed record ImageReference(string Property, string Text, ImageTransport Transport, string HostPath, string? Name)
{
    private static readonly (string Prefix, ImageTransport Transport)[] Transports =
    [
        ("oci:", ImageTransport.Oci),
        ("oci-archive:", ImageTransport.OciArchive),
        ("docker-archive:", ImageTransport.DockerArchive),
    ];

    /// <summary>Transports of skopeo that name something we cannot read without a daemon or the network.</summary>
    private static readonly string[] OtherTransports = ["docker-daemon:", "containers-storage:", "dir:", "ostree:", "sif:", "tarball:"];

    /// <summary>The result of <see cref="Parse"/>: a reference, or why not.</summary>
    public sealed record ParseResult(ImageReference? Reference, ParseError Error, string? Detail);

    public enum ParseError
    {
        None,

        /// <summary>A registry reference (or another transport): Detail is the skopeo source to fetch it from.</summary>
        NotLocal,

        /// <summary>Detail says what is wrong.</summary>
        Malformed,
    }

    /// <summary>
    /// Splits at the first ':' after the transport, as skopeo does: a path cannot hold ':', and
    /// the rest is the image name (REF, or NAME:TAG, which has its own ':').
    /// </summary>
    public static ParseResult Parse(string property, string text, string projectDirectory)
    {
        if (text.Contains('\0'))
        {
            return new(null, ParseError.Malformed, "it contains a NUL character");
        }

        foreach (var (prefix, transport) in Transports)
        {
            if (!text.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }

            var rest = text[prefix.Length..];
            var colon = rest.IndexOf(':');
            var path = colon < 0 ? rest : rest[..colon];
            var name = colon < 0 ? null : rest[(colon + 1)..];
            if (path.Trim().Length == 0)
            {
                return new(null, ParseError.Malformed, "its path is empty");
            }

            if (name is not null && name.Length == 0)
            {
                return new(null, ParseError.Malformed, "it ends with ':' but names no image after it");
            }

            if (name is not null && name.Any(char.IsControl))
            {
                return new(null, ParseError.Malformed, "its image name contains a control character");
            }

            if (transport == ImageTransport.DockerArchive && name is not null && name.LastIndexOf(':') <= name.LastIndexOf('/'))
            {
                return new(null, ParseError.Malformed, $"its image name '{name}' has no tag; write NAME:TAG as docker save lists it in RepoTags, such as busybox:latest");
            }

            string hostPath;
            try
            {
                hostPath = Path.GetFullPath(path, projectDirectory);
            }
            catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
            {
                return new(null, ParseError.Malformed, $"its path is not valid: {e.Message.TrimEnd('.')}");
            }

            return new(new ImageReference(property, text, transport, hostPath, name), ParseError.None, null);
        }

        // Anything else is an image somewhere else: say how to bring it here.
        if (text.StartsWith("docker://", StringComparison.OrdinalIgnoreCase))
        {
            return new(null, ParseError.NotLocal, text);
        }

        if (OtherTransports.FirstOrDefault(t => text.StartsWith(t, StringComparison.OrdinalIgnoreCase)) is not null)
        {
            return new(null, ParseError.NotLocal, text);
        }

        return new(null, ParseError.NotLocal, "docker://" + text);
    }

    /// <summary>The image's name for docker save's fix line: the registry reference without its transport.</summary>
    public static string DockerName(string skopeoSource) =>
        skopeoSource.StartsWith("docker://", StringComparison.OrdinalIgnoreCase) ? skopeoSource["docker://".Length..]
        : skopeoSource.StartsWith("docker-daemon:", StringComparison.OrdinalIgnoreCase) ? skopeoSource["docker-daemon:".Length..]
        : skopeoSource;

    /// <summary>The same transport and path with another image name: "oci-archive:base.tar:latest".</summary>
    public string WithName(string name) => (Name is null ? Text : Text[..^(Name.Length + 1)]) + ":" + name;

    /// <summary>
    /// The image's repository and tag as far as the reference tells them, for the SBOM's purl:
    /// docker-archive's NAME:TAG; else the file or folder name (without .tar) and the REF.
    /// </summary>
    public (string Repository, string? Tag) RepositoryAndTag()
    {
        if (Transport == ImageTransport.DockerArchive && Name is { } named && named.LastIndexOf(':') is var colon && colon > named.LastIndexOf('/'))
        {
            return (named[..colon], named[(colon + 1)..]);
        }

        var file = Path.GetFileName(Path.TrimEndingDirectorySeparator(HostPath));
        if (Transport != ImageTransport.Oci && file.EndsWith(".tar", StringComparison.OrdinalIgnoreCase))
        {
            file = file[..^".tar".Length];
        }

        return (file.Length == 0 ? "image" : file, Transport == ImageTransport.DockerArchive ? null : Name);
    }

    /// <summary>"OciBaseImage oci-archive:base.tar", for origins of rootfs entries.</summary>
    public override string ToString() => $"{Property} {Text}";
}
