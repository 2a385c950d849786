namespace OciBundle.Diagnostics;

public enum DiagnosticSeverity
{
    Error,
    Warning,

    /// <summary>What the build chose or did on its own (libraries added, publish mode): logged at normal verbosity, never a failure.</summary>
    Info,

    /// <summary>Why the build did what it did (which input made a bundle be rewritten): logged at detailed verbosity only.</summary>
    Detail,
}

/// <summary>Where a value was written: a project or import file, with a 1-based line and column when known.</summary>
public sealed record SourceLocation(string File, int Line = 0, int Column = 0);

/// <summary>One coded finding. <see cref="Code"/> is <c>OCIB</c> plus four digits.</summary>
public sealed record Diagnostic(string Code, DiagnosticSeverity Severity, string Message, SourceLocation? Location = null)
{
    /// <summary>For OCIB5999: the exception behind it, which a host may log in full at its most detailed verbosity.</summary>
    public Exception? Cause { get; init; }

    /// <summary>
    /// Builds a diagnostic from a catalogue text of the form <c>"OCIBnnnn: message {0}"</c>
    /// (every text lives in Messages.resx so the code and its wording stay together).
    /// </summary>
    public static Diagnostic Error(string catalogueText, SourceLocation? location, params object?[] args) =>
        Create(DiagnosticSeverity.Error, catalogueText, location, args);

    public static Diagnostic Warning(string catalogueText, SourceLocation? location, params object?[] args) =>
        Create(DiagnosticSeverity.Warning, catalogueText, location, args);

    public static Diagnostic Info(string catalogueText, SourceLocation? location, params object?[] args) =>
        Create(DiagnosticSeverity.Info, catalogueText, location, args);

    public static Diagnostic Detail(string catalogueText, SourceLocation? location, params object?[] args) =>
        Create(DiagnosticSeverity.Detail, catalogueText, location, args);

    private static Diagnostic Create(DiagnosticSeverity severity, string catalogueText, SourceLocation? location, object?[] args)
    {
        var (code, format) = DiagnosticCatalog.Split(catalogueText);
        var message = string.Format(System.Globalization.CultureInfo.InvariantCulture, format, args);
        return new Diagnostic(code, severity, message, location);
    }

    public override string ToString() => $"{Severity.ToString().ToLowerInvariant()} {Code}: {Message}";
}
