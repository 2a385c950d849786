namespace OciBundle.EndToEnd.Tests;

/// <summary>Finds the repository this test assembly was built from.</summary>
internal static class Repository
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "OciBundle.Sdk.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("OciBundle.Sdk.sln not found above " + AppContext.BaseDirectory);
    }
}
