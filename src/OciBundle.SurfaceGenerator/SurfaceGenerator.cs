using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace OciBundle.SurfaceGenerator;

/// <summary>
/// Generates code from SurfaceTable.txt, so that each MSBuild name is written once. A project
/// says what it wants with the MSBuild property OciSurfaceOutput: <c>Names</c> (src/OciBundle:
/// SurfaceNames, ForeignNames, PlumbingNames, SurfaceTable.Rows) or <c>Task</c>
/// (src/OciBundle.Tasks: the GenerateOciBundle parameters and RequestFactory.CopyParameters).
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class SurfaceGenerator : IIncrementalGenerator
{
    private const string TableFileName = "SurfaceTable.txt";

    private static readonly DiagnosticDescriptor BadTable = new(
        "OCIBGEN1", "SurfaceTable.txt cannot be read", "{0}", "OciBundle.Surface", DiagnosticSeverity.Error, isEnabledByDefault: true);

    private static readonly DiagnosticDescriptor NoTable = new(
        "OCIBGEN2", "No SurfaceTable.txt", "OciSurfaceOutput is '{0}' but the project has no AdditionalFiles item named " + TableFileName + " (or more than one)",
        "OciBundle.Surface", DiagnosticSeverity.Error, isEnabledByDefault: true);

    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var output = context.AnalyzerConfigOptionsProvider.Select(
            (options, _) => options.GlobalOptions.TryGetValue("build_property.OciSurfaceOutput", out var value) ? value.Trim() : "");
        var tables = context.AdditionalTextsProvider
            .Where(t => string.Equals(Path.GetFileName(t.Path), TableFileName, StringComparison.OrdinalIgnoreCase))
            .Select((t, cancel) => (t.Path, Text: t.GetText(cancel)))
            .Collect();
        context.RegisterSourceOutput(tables.Combine(output), static (spc, input) => Emit(spc, input.Left, input.Right));
    }

    private static void Emit(SourceProductionContext context, ImmutableArray<(string Path, SourceText? Text)> tables, string output)
    {
        if (output.Length == 0)
        {
            return;
        }

        if (tables.Length != 1 || tables[0].Text is null)
        {
            context.ReportDiagnostic(Diagnostic.Create(NoTable, Location.None, output));
            return;
        }

        var (path, text) = tables[0];
        var table = SurfaceTable.Parse(text!);
        if (table.Error is not null)
        {
            var span = new LinePositionSpan(table.ErrorLine, table.ErrorLine);
            context.ReportDiagnostic(Diagnostic.Create(BadTable, Location.Create(path, default, span), table.Error));
            return;
        }

        switch (output)
        {
            case "Names":
                context.AddSource("SurfaceNames.g.cs", Emitters.Names(table));
                break;
            case "Task":
                context.AddSource("GenerateOciBundle.g.cs", Emitters.Task(table));
                break;
            default:
                context.ReportDiagnostic(Diagnostic.Create(BadTable, Location.None, $"OciSurfaceOutput is Names or Task, not '{output}'"));
                break;
        }
    }
}
