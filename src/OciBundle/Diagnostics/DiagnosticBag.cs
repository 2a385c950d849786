
namespace OciBundle.Diagnostics;

/// <summary>Collects every finding of one build so the user sees all of them at once.</summary>
public sealed class DiagnosticBag
{
    private readonly List<Diagnostic> _items = [];

    public IReadOnlyList<Diagnostic> Items => _items;

    public bool HasErrors => _items.Any(d => d.Severity == DiagnosticSeverity.Error);

    public void Add(Diagnostic diagnostic) => _items.Add(diagnostic);

    public void Error(string catalogueText, SourceLocation? location, params object?[] args) =>
        _items.Add(Diagnostic.Error(catalogueText, location, args));

    public void Warning(string catalogueText, SourceLocation? location, params object?[] args) =>
        _items.Add(Diagnostic.Warning(catalogueText, location, args));
}
