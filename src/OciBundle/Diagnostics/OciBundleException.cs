namespace OciBundle.Diagnostics;

/// <summary>
/// Stops the bundle build with one coded diagnostic. Thrown where a problem is found deep inside
/// I/O code (an unsafe archive entry, an unreadable file); the task turns it into an MSBuild error.
/// </summary>
public sealed class OciBundleException : Exception
{
    public OciBundleException(Diagnostic diagnostic, Exception? inner = null)
        : base(diagnostic.Message, inner)
    {
        Diagnostic = diagnostic;
    }

    public Diagnostic Diagnostic { get; }
}
