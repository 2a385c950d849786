using System.Security.Cryptography;
using System.Text;

namespace OciBundle.Rootfs;

/// <summary>
/// The member cache's index files: a header line, the rows, and a last line "end HEX" with the
/// SHA-256 of every byte before it. Such a file is trusted whole or not at all (a truncated,
/// edited or older-version file is rejected), and is replaced by rename, so a reader never sees
/// half of one.
/// </summary>
internal static class ChecksummedIndex
{
    private static readonly byte[] EndMarker = "end "u8.ToArray();

    /// <summary>The rows after the header; null when the file is missing (<paramref name="damaged"/> false) or not whole (true).</summary>
    public static string[]? Read(string path, string header, out bool damaged)
    {
        damaged = false;
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // none yet, or gone
        }

        // Found in the bytes, not the decoded text: a UTF-8 path in a row makes the two offsets differ.
        var end = bytes.AsSpan().LastIndexOf(EndMarker);
        var headerLine = Encoding.UTF8.GetBytes(header + "\n");
        if (end < 0 || !bytes.AsSpan().StartsWith(headerLine)
            || Encoding.ASCII.GetString(bytes, end + EndMarker.Length, bytes.Length - end - EndMarker.Length).TrimEnd('\n') != Convert.ToHexString(SHA256.HashData(bytes.AsSpan(0, end))))
        {
            damaged = true;
            return null;
        }

        return Encoding.UTF8.GetString(bytes, headerLine.Length, end - headerLine.Length).Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>Writes the header, <paramref name="rows"/> (each ending in a newline) and the checksum under a temporary name, then renames it into place. Best effort: a failure leaves the old file.</summary>
    public static void Write(string path, string header, string rows)
    {
        var body = Encoding.UTF8.GetBytes(header + "\n" + rows);
        var bytes = body.Concat(Encoding.ASCII.GetBytes($"end {Convert.ToHexString(SHA256.HashData(body))}\n")).ToArray();
        var temporary = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        try
        {
            File.WriteAllBytes(temporary, bytes);
            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            try
            {
                File.Delete(temporary);
            }
            catch (Exception again) when (again is IOException or UnauthorizedAccessException)
            {
                // left for Trim to remove an hour from now
            }
        }
    }
}
