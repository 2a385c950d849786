using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using OciBundle.Tests.Diagnostics;

namespace OciBundle.Tests.Layout;

/// <summary>
/// The source generator over SurfaceTable.txt, run by Roslyn's own driver as the compiler runs
/// it: the repository's table gives both outputs without a diagnostic, and a malformed row is a
/// compile error at its line, never a silently shorter surface.
/// </summary>
public sealed class SurfaceGeneratorTests
{
    private static readonly string Table = File.ReadAllText(CatalogueDocumentationTests.RepositoryFile("src", "OciBundle", "Request", "SurfaceTable.txt"));

    private static (GeneratorDriverRunResult Result, ImmutableArray<Diagnostic> Diagnostics) Run(string table, string output)
    {
        var driver = CSharpGeneratorDriver.Create(
            [new SurfaceGenerator.SurfaceGenerator().AsSourceGenerator()],
            additionalTexts: [new TableText("/repo/src/OciBundle/Request/SurfaceTable.txt", table)],
            optionsProvider: new Options(output));
        var run = driver.RunGeneratorsAndUpdateCompilation(CSharpCompilation.Create("surface"), out _, out var diagnostics);
        return (run.GetRunResult(), diagnostics);
    }

    [Theory]
    [InlineData("Names", "SurfaceNames.g.cs", "public const string MemoryLimit = \"OciMemoryLimit\";")]
    [InlineData("Task", "GenerateOciBundle.g.cs", "request.With(\"OciBundleStampFile\", task.StampFile);")]
    public void The_repository_s_table_generates_each_output(string output, string file, string line)
    {
        var (result, diagnostics) = Run(Table, output);
        Assert.Empty(diagnostics);
        var source = Assert.Single(result.GeneratedTrees);
        Assert.EndsWith(file, source.FilePath, StringComparison.Ordinal);
        Assert.Contains(line, source.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("OciMemoryLimit  property  Resources  defualt=1g", "unknown option 'defualt=1g'")]
    [InlineData("OciMemoryLimit  propety  Resources", "the kind is property or items")]
    [InlineData("OciMemoryLimit  property  Resource", "no group line declares 'Resource'")]
    [InlineData("ocimemorylimit  property  Resources", "listed twice")]
    [InlineData("OciMemoryLimit  items  Resources  required", "items cannot be required")]
    public void A_malformed_row_is_a_compile_error_at_its_line(string row, string message)
    {
        var lines = Table.Split('\n').ToList();
        var at = lines.FindIndex(l => l.StartsWith("OciMemoryReservation ", StringComparison.Ordinal));
        lines.Insert(at, row);
        if (message != "listed twice")
        {
            lines.RemoveAll(l => l.StartsWith("OciMemoryLimit ", StringComparison.Ordinal) && l != row);
        }

        var (result, diagnostics) = Run(string.Join('\n', lines), "Task");
        var error = Assert.Single(diagnostics);
        Assert.Equal("OCIBGEN1", error.Id);
        Assert.Equal(DiagnosticSeverity.Error, error.Severity);
        Assert.Contains(message, error.GetMessage(), StringComparison.Ordinal);
        var line = error.Location.GetLineSpan();
        Assert.EndsWith("SurfaceTable.txt", line.Path, StringComparison.Ordinal);
        Assert.Equal(lines.IndexOf(row), line.StartLinePosition.Line);
        Assert.Empty(result.GeneratedTrees);
    }

    [Fact]
    public void A_project_that_asks_for_output_without_the_table_is_an_error()
    {
        var driver = CSharpGeneratorDriver.Create([new SurfaceGenerator.SurfaceGenerator().AsSourceGenerator()], optionsProvider: new Options("Names"));
        driver.RunGeneratorsAndUpdateCompilation(CSharpCompilation.Create("surface"), out _, out var diagnostics);
        Assert.Equal("OCIBGEN2", Assert.Single(diagnostics).Id);
    }

    private sealed class TableText(string path, string text) : AdditionalText
    {
        public override string Path => path;

        public override SourceText GetText(CancellationToken cancellationToken = default) => SourceText.From(text);
    }

    private sealed class Options(string output) : AnalyzerConfigOptionsProvider
    {
        public override AnalyzerConfigOptions GlobalOptions { get; } = new Global(output);

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => Global.Empty;

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => Global.Empty;

        private sealed class Global(string? output) : AnalyzerConfigOptions
        {
            public static readonly Global Empty = new(null);

            public override bool TryGetValue(string key, [NotNullWhen(true)] out string? value)
            {
                value = key == "build_property.OciSurfaceOutput" ? output : null;
                return value is not null;
            }
        }
    }
}
