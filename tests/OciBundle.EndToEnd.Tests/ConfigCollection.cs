namespace OciBundle.EndToEnd.Tests;

/// <summary>
/// Keeps a copy of every config.json the end-to-end builds write, in artifacts/e2e-configs (or
/// $OCIB_E2E_CONFIGS), so CI can check them all against the official runtime-spec schema
/// (build/validate-configs.py) without the tests depending on the schema files.
/// </summary>
internal static class ConfigCollection
{
    private static readonly string Folder = Environment.GetEnvironmentVariable("OCIB_E2E_CONFIGS") is { Length: > 0 } folder
        ? folder
        : Path.Combine(Repository.Root, "artifacts", "e2e-configs");

    public static void Keep(string configJson, string name)
    {
        if (!File.Exists(configJson))
        {
            return;
        }

        Directory.CreateDirectory(Folder);
        File.Copy(configJson, Path.Combine(Folder, name + ".json"), overwrite: true);
    }
}
