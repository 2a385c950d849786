using OciBundle.Tests.Support;

namespace OciBundle.Tests.Images;

/// <summary>umoci and skopeo, the real tools that write the images these tests read. Missing is a failure, never a skip.</summary>
internal static class ImageTools
{
    public static string Run(string tool, params string[] args)
    {
        ProcessResult result;
        try
        {
            result = ProcessRunner.Run(tool, args);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"{tool} is not installed ({e.Message}); install Debian's umoci and skopeo (.ci/run does)", e);
        }

        return result.EnsureSuccess();
    }

    public static string Umoci(params string[] args) => Run("umoci", args);

    public static string Skopeo(params string[] args) => Run("skopeo", ["--insecure-policy", .. args]);
}
