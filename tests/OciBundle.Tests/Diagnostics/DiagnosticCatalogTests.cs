using OciBundle.Diagnostics;

namespace OciBundle.Tests.Diagnostics;

public class DiagnosticCatalogTests
{
    [Fact]
    public void Every_code_is_used_once()
    {
        var duplicates = DiagnosticCatalog.All()
            .GroupBy(m => m.Code)
            .Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(m => m.Name))}")
            .ToList();
        Assert.Empty(duplicates);
    }

    [Fact]
    public void Every_code_is_in_its_range_format()
    {
        Assert.All(DiagnosticCatalog.All(), m => Assert.Matches("^OCIB[1-5][0-9]{3}$", m.Code));
    }

    [Fact]
    public void A_diagnostic_carries_code_and_formatted_text()
    {
        var d = Diagnostic.Error("OCIB1234: {0} is bad", new SourceLocation("p.csproj", 3, 5), "x");
        Assert.Equal("OCIB1234", d.Code);
        Assert.Equal("x is bad", d.Message);
        Assert.Equal(3, d.Location!.Line);
    }
}
