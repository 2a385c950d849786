using System.IO.Compression;
using System.Security.Cryptography;
using OciBundle.Diagnostics;
using OciBundle.Images.Sources;
using OciBundle.Rootfs;

namespace OciBundle.Images.Layers;

/// <summary>
/// Applies one image layer to the tree, the way an overlay mount stacks it: entries replace what
/// lower layers put at their path (a non-folder replacing a lower folder replaces its subtree
/// too), <c>.wh.NAME</c> deletes NAME and what is below it from lower layers, and
/// <c>.wh..wh..opq</c> empties its folder of lower-layer entries; whiteouts never touch entries
/// of their own layer, wherever they stand in the tar. Names, links and file data go through the
/// same <see cref="ArchiveContext"/> as an OciBaseRootfs archive, with the same safety rules.
/// </summary>
internal static class LayerApplier
{
    private const string WhiteoutPrefix = ".wh.";
    private const string OpaqueMarker = ".wh..wh..opq";

    /// <summary>Applies layer <paramref name="number"/> (1-based); returns the uncompressed bytes it held, which count against <paramref name="budget"/>.</summary>
    public static long Apply(RootfsTree tree, IImageSource source, BaseLayer layer, int number, int count, string spoolDirectory, Action<Diagnostic>? warn, long budget)
    {
        var reference = source.Reference;
        var role = $"layer {number} of {count}";
        var label = $"{reference.Text} {role} ({layer.Blob.Digest})";
        var shown = $"{reference.Property} '{reference.Text}' {role} ({layer.Blob.Digest})";
        Diagnostic Rewrite(Diagnostic d) => d with { Message = d.Message.Replace($"OciBaseRootfs '{label}'", shown, StringComparison.Ordinal) };

        using var blob = source.OpenBlob(layer.Blob, role);
        try
        {
            using var decompressed = Decompress(blob, layer.Blob.MediaType);
            using var hashing = new HashingReadStream(decompressed);
            var reader = new TarStreamReader(hashing, label, reference.ToString(), budget);
            var state = new LayerState(tree, why => ImageErrors.Error(reference, Messages.ImageLayerUnusable, number, count, layer.Blob.Digest, why));
            var context = new ArchiveContext(tree, reader, label, spoolDirectory, reference.ToString(), d => warn?.Invoke(Rewrite(d)), state.Place);
            while (reader.Next() is { } member)
            {
                if (!state.TryWhiteout(context, member))
                {
                    context.Add(member);
                }
            }

            state.ApplyWhiteouts();

            // What follows the end-of-archive marker is part of the diff_id, and of the budget.
            var used = reader.Position + Drain(hashing, budget - reader.Position, () => throw TooLarge(reference, budget, role, layer));
            var diffId = hashing.Digest();
            if (diffId != layer.DiffId)
            {
                blob.ReadToEnd(); // a damaged blob is the better message
                throw ImageErrors.Error(reference, Messages.ImageDiffIdMismatch, role, layer.Blob.Digest, diffId, layer.DiffId);
            }

            blob.ReadToEnd();
            return used;
        }
        catch (OciBundleException e) when (e.Diagnostic.Code is not ("OCIB3104" or "OCIB3105" or "OCIB3112" or "OCIB3116"))
        {
            // A decoder or the tar reader stopped first; if the blob itself does not match its
            // digest, that is the cause to report.
            PreferBlobError(blob);
            if (e.Diagnostic.Code == "OCIB3023")
            {
                throw TooLarge(reference, budget, role, layer);
            }

            throw new OciBundleException(Rewrite(e.Diagnostic), e);
        }
    }

    private static OciBundleException TooLarge(ImageReference reference, long budget, string role, BaseLayer layer) =>
        ImageErrors.Error(reference, Messages.ImageTooLarge, budget, role, layer.Blob.Digest);

    private static void PreferBlobError(VerifiedBlobStream blob)
    {
        try
        {
            blob.ReadToEnd();
        }
        catch (OciBundleException e) when (e.Diagnostic.Code is "OCIB3104" or "OCIB3105")
        {
            throw;
        }
        catch (Exception e) when (e is OciBundleException or IOException)
        {
            // not the blob's fault, or it cannot tell: the first error stands
        }
    }

    private static long Drain(Stream stream, long limit, Action tooMuch)
    {
        var buffer = new byte[1 << 16];
        long total = 0;
        int n;
        while ((n = Read(stream, buffer)) > 0)
        {
            total += n;
            if (total > limit)
            {
                tooMuch();
            }
        }

        return total;
    }

    private static int Read(Stream stream, byte[] buffer)
    {
        try
        {
            return stream.Read(buffer);
        }
        catch (Exception e) when (e is not OciBundleException and not OutOfMemoryException)
        {
            throw new OciBundleException(Diagnostic.Error(Messages.CorruptArchive, null, "(after its end-of-archive marker)", e.Message.TrimEnd('.')), e);
        }
    }

    private static Stream Decompress(Stream blob, string mediaType)
    {
        if (mediaType.EndsWith("gzip", StringComparison.Ordinal))
        {
            return new GZipStream(blob, CompressionMode.Decompress, leaveOpen: true);
        }

        if (mediaType.EndsWith("+zstd", StringComparison.Ordinal))
        {
            return new ZstdSharp.DecompressionStream(blob, leaveOpen: true);
        }

        return new NonClosing(blob);
    }

    /// <summary>What one layer did so far: the paths it placed (and their parents), and its whiteouts, applied at its end.</summary>
    private sealed class LayerState(RootfsTree tree, Func<string, OciBundleException> unusable)
    {
        private readonly HashSet<string> _placed = new(StringComparer.Ordinal);
        private readonly List<string> _whiteouts = [];
        private readonly List<string> _opaque = [];

        public void Place(RootfsEntry entry)
        {
            // Image semantics: a file or link over a lower folder replaces the folder and its content.
            if (tree.TryGet(entry.Path, out var existing) && existing.Type == RootfsEntryType.Directory && entry.Type != RootfsEntryType.Directory)
            {
                tree.RemoveBelow(entry.Path);
            }

            tree.Add(entry);
            for (var path = entry.Path; path.Length > 0 && _placed.Add(path); path = RootfsPath.Parent(path))
            {
            }
        }

        /// <summary>Records a whiteout member; false for any other member.</summary>
        public bool TryWhiteout(ArchiveContext context, TarMember member)
        {
            var name = member.Name.TrimEnd('/');
            var slash = name.LastIndexOf('/');
            var baseName = name[(slash + 1)..];
            if (!baseName.StartsWith(WhiteoutPrefix, StringComparison.Ordinal))
            {
                return false;
            }

            var path = context.SafePath(name, member.Name);
            var parent = RootfsPath.Parent(path);
            if (baseName == OpaqueMarker)
            {
                _opaque.Add(parent);
            }
            else if (!baseName.StartsWith(WhiteoutPrefix + WhiteoutPrefix, StringComparison.Ordinal))
            {
                // .wh..wh.* other than the opaque marker are aufs's own bookkeeping: nothing to apply.
                var target = baseName[WhiteoutPrefix.Length..];
                if (target is "" or "." or "..")
                {
                    throw unusable($"its entry '{TarStreamReaderDisplay(member.Name)}' is a whiteout that names no entry.");
                }

                _whiteouts.Add(parent.Length == 0 ? target : parent + "/" + target);
            }

            return true;
        }

        public void ApplyWhiteouts()
        {
            foreach (var path in _whiteouts.Where(p => !_placed.Contains(p)))
            {
                tree.Remove(path);
            }

            foreach (var folder in _opaque)
            {
                tree.RemoveBelow(folder, _placed.Contains);
            }
        }

        private static string TarStreamReaderDisplay(string name) => TarStreamReader.Display(System.Text.Encoding.UTF8.GetBytes(name), int.MaxValue);
    }

    /// <summary>SHA-256 of every byte read through it: the layer's diff_id.</summary>
    private sealed class HashingReadStream(Stream inner) : ReadOnlyStream
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        public string Digest() => "sha256:" + Convert.ToHexString(_hash.GetCurrentHash()).ToLowerInvariant();

        public override int Read(Span<byte> buffer)
        {
            var n = inner.Read(buffer);
            _hash.AppendData(buffer[..n]);
            return n;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _hash.Dispose();
            }

            base.Dispose(disposing);
        }
    }

    /// <summary>An uncompressed layer read as it is; the blob stream is disposed by its owner.</summary>
    private sealed class NonClosing(Stream inner) : ReadOnlyStream
    {
        public override int Read(Span<byte> buffer) => inner.Read(buffer);
    }
}
