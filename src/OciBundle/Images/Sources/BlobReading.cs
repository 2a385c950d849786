using OciBundle.Diagnostics;
using OciBundle.Platform;

namespace OciBundle.Images.Sources;

/// <summary>Reads the small JSON documents of an image: capped, and (for blobs) verified before they are parsed.</summary>
internal static class BlobReading
{
    /// <summary>The JSON blobs of an image (index, manifest, config) are a few KiB; more is damage or an attack.</summary>
    public const int MaxJsonBytes = InputFiles.MaxJsonBytes;

    /// <summary>A JSON blob, checked against its descriptor, parsed by <paramref name="parse"/>.</summary>
    public static T ReadJson<T>(IImageSource source, Descriptor descriptor, string role, Func<byte[], T> parse)
    {
        if (descriptor.Size > MaxJsonBytes)
        {
            throw ImageErrors.Error(source.Reference, Messages.ImageJsonTooLarge, role, descriptor.Digest, descriptor.Size, MaxJsonBytes);
        }

        byte[] bytes;
        using (var stream = source.OpenBlob(descriptor, role))
        {
            bytes = new byte[descriptor.Size];
            stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false);

            // The check happens at the end of the stream: a short or long blob, or other bytes, fail here.
            ((VerifiedBlobStream)stream).ReadToEnd();
        }

        return Parse(source.Reference, bytes, role, descriptor.Digest, parse);
    }

    /// <summary>A JSON file of the layout itself (oci-layout, index.json, manifest.json): capped, not a blob.</summary>
    public static byte[] ReadFile(ImageReference reference, IImageFiles files, string name, string role)
    {
        if (!files.TryGetLength(name, out var length))
        {
            throw new InvalidOperationException($"{name} is missing; check with TryGetLength first");
        }

        if (length > MaxJsonBytes)
        {
            throw ImageErrors.Error(reference, Messages.ImageJsonTooLarge, role, name, length, MaxJsonBytes);
        }

        try
        {
            using var stream = files.Open(name);
            var bytes = new byte[length];
            var read = stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false);
            return bytes[..read];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw InputFiles.Unreadable(reference.ToString(), reference.HostPath, e);
        }
    }

    /// <summary>Runs a parser, turning its complaint into OCIB3101 (OCIB3106 for a digest we cannot read).</summary>
    public static T Parse<T>(ImageReference reference, byte[] bytes, string role, string where, Func<byte[], T> parse)
    {
        try
        {
            return parse(bytes);
        }
        catch (ImageFormatException e) when (e.BadDigest is { } digest)
        {
            throw ImageErrors.Error(reference, Messages.ImageDigestUnsupported, digest, $"in the {role} ({where})");
        }
        catch (ImageFormatException e)
        {
            throw ImageErrors.Error(reference, Messages.ImageJsonInvalid, role, where, e.Message);
        }
    }

    /// <summary>Opens a blob of <paramref name="files"/> named by its digest, verified while read; OCIB3103 when it is missing.</summary>
    public static VerifiedBlobStream OpenVerified(ImageReference reference, IImageFiles files, string name, Descriptor descriptor, string role)
    {
        if (!files.TryGetLength(name, out var length))
        {
            throw ImageErrors.Error(reference, Messages.ImageBlobMissing, descriptor.Digest, role);
        }

        // The size is known before a byte is read: a wrong one fails at once.
        if (length != descriptor.Size)
        {
            throw ImageErrors.Error(reference, Messages.ImageBlobSizeMismatch, descriptor.Digest, role, length, descriptor.Size);
        }

        return new VerifiedBlobStream(files.Open(name), descriptor, reference, role);
    }
}
