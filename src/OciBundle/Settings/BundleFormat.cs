namespace OciBundle.Settings;

/// <summary>What a build writes: the runc bundle, a folder for `docker plugin create`, an OCI image, or any of them together.</summary>
[Flags]
public enum BundleFormat
{
    Runc = 1,
    DockerPlugin = 2,
    Both = Runc | DockerPlugin,
    Image = 4,
}
