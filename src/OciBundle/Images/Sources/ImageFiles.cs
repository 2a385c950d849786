using OciBundle.Diagnostics;
using OciBundle.Platform;
using OciBundle.Rootfs;

namespace OciBundle.Images.Sources;

/// <summary>The files of an image on disk, by their '/'-separated names: a folder's, or an archive's members.</summary>
internal interface IImageFiles
{
    /// <summary>The length of the file <paramref name="name"/> (normalised, relative); false when there is none.</summary>
    bool TryGetLength(string name, out long length);

    /// <summary>The raw bytes of <paramref name="name"/>; unverified.</summary>
    Stream Open(string name);
}

/// <summary>An OCI image layout folder. Only names the readers build are asked for (fixed names, blobs/sha256/&lt;hex&gt;).</summary>
internal sealed class FolderFiles(ImageReference reference) : IImageFiles
{
    public bool TryGetLength(string name, out long length)
    {
        var path = Path.Combine(reference.HostPath, name);
        length = 0;
        if (InputFiles.WhyNotRegularFile(path) is not null)
        {
            return false;
        }

        try
        {
            length = new FileInfo(path).Length;
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw InputFiles.Unreadable(reference.ToString(), path, e);
        }
    }

    public Stream Open(string name)
    {
        var path = Path.Combine(reference.HostPath, name);
        try
        {
            return InputFiles.OpenRead(path, bufferSize: 1 << 16, FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw InputFiles.Unreadable(reference.ToString(), path, e);
        }
    }
}

/// <summary>
/// The members of an uncompressed tar (oci-archive, docker-archive), indexed once with our own
/// <see cref="TarStreamReader"/> (data skipped by seeking, nothing extracted) and read in place
/// by offset.
/// </summary>
internal sealed class TarFiles : IImageFiles
{
    private readonly Dictionary<string, (long Offset, long Length)> _members = new(StringComparer.Ordinal);
    private readonly ImageReference _reference;

    public TarFiles(ImageReference reference)
    {
        _reference = reference;
        try
        {
            using var file = InputFiles.OpenRead(reference.HostPath, bufferSize: 1 << 16);
            var reader = new TarStreamReader(file, reference.HostPath, reference.ToString(), file.Length);
            var links = new List<(string Name, string Target)>();
            while (reader.Next() is { } member)
            {
                if (!RootfsPath.TryNormalize(member.Name, out var name, out _))
                {
                    continue; // odd names: never asked for
                }

                if (member.Kind == TarMemberKind.RegularFile)
                {
                    _members[name] = (reader.Position, member.Size); // a later member of the same name wins, as on extraction
                }
                else if (member.Kind is TarMemberKind.SymbolicLink or TarMemberKind.HardLink)
                {
                    // docker save's legacy <id>/layer.tar may be a link to the layer's file ("../<digest>.tar").
                    var target = member.Kind == TarMemberKind.HardLink || member.LinkName.StartsWith('/') ? member.LinkName.TrimStart('/')
                        : (RootfsPath.Parent(name).Length == 0 ? "" : RootfsPath.Parent(name) + "/") + member.LinkName;
                    if (Resolve(target) is { } resolved)
                    {
                        links.Add((name, resolved));
                    }
                }
            }

            // Links to plain members only (no chains): enough for docker save, and no loops.
            foreach (var (name, target) in links)
            {
                if (!_members.ContainsKey(name) && _members.TryGetValue(target, out var member))
                {
                    _members[name] = member;
                }
            }
        }
        catch (OciBundleException e) when (e.Diagnostic.Code is "OCIB3005" or "OCIB3024" or "OCIB3023")
        {
            throw ImageErrors.Error(reference, Messages.ImageLayoutInvalid, "a readable tar archive", e.Diagnostic.Message);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw InputFiles.Unreadable(reference.ToString(), reference.HostPath, e);
        }
    }

    public IEnumerable<string> Names => _members.Keys;

    /// <summary>A relative name with '.' and '..' resolved; null when it climbs out of the archive.</summary>
    private static string? Resolve(string name)
    {
        var parts = new List<string>();
        foreach (var part in name.Split('/'))
        {
            if (part is "" or ".")
            {
                continue;
            }

            if (part == "..")
            {
                if (parts.Count == 0)
                {
                    return null;
                }

                parts.RemoveAt(parts.Count - 1);
                continue;
            }

            parts.Add(part);
        }

        return parts.Count == 0 ? null : string.Join('/', parts);
    }

    public bool TryGetLength(string name, out long length)
    {
        var found = _members.TryGetValue(name, out var member);
        length = member.Length;
        return found;
    }

    public Stream Open(string name)
    {
        var (offset, length) = _members[name];
        try
        {
            var file = InputFiles.OpenRead(_reference.HostPath, bufferSize: 1 << 16, FileOptions.SequentialScan);
            file.Seek(offset, SeekOrigin.Begin);
            return new SliceStream(file, length);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw InputFiles.Unreadable(_reference.ToString(), _reference.HostPath, e);
        }
    }

    /// <summary>The next <c>length</c> bytes of a stream, then its end.</summary>
    private sealed class SliceStream(Stream inner, long size) : Rootfs.ReadOnlyStream
    {
        private readonly long _size = size;
        private long _left = size;

        public override long Length => _size;

        public override long Position { get => _size - _left; set => throw new NotSupportedException(); }

        public override int Read(Span<byte> buffer)
        {
            var n = inner.Read(buffer[..(int)Math.Min(buffer.Length, _left)]);
            _left -= n;
            return n;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
