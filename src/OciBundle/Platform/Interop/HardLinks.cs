namespace OciBundle.Platform.Interop;

/// <summary>Creates hard links where the platform lets us; callers copy when it does not.</summary>
internal static class HardLinks
{
    private static bool s_unavailable;

    /// <summary>Links <paramref name="newPath"/> to <paramref name="existingPath"/>; false if that is not possible here.</summary>
    public static bool TryCreate(string existingPath, string newPath)
    {
        if (OperatingSystem.IsWindows() || s_unavailable)
        {
            return false;
        }

        try
        {
            return LibC.Link(existingPath, newPath) == 0;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            s_unavailable = true;
            return false;
        }
    }
}
