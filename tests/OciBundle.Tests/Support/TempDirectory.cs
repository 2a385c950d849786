namespace OciBundle.Tests.Support;

/// <summary>A fresh folder under /tmp, removed when the test ends.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = Directory.CreateTempSubdirectory("ocibundle-test-").FullName;
    }

    public string Path { get; }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public void Dispose()
    {
        try
        {
            // Folders the tests made read-only must be opened up again before they can go.
            ProcessRunner.Run("chmod", "-R", "u+rwx", Path);
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Leftovers in /tmp are harmless; a failed cleanup must not fail the test.
        }
    }
}
