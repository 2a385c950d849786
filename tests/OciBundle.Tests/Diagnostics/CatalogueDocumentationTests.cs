using System.Reflection;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using OciBundle.Diagnostics;
using OciBundle.Request;

namespace OciBundle.Tests.Diagnostics;

/// <summary>Keeps the docs and the targets in step with the code: every code and every public name is documented.</summary>
public class CatalogueDocumentationTests
{
    internal static string RepositoryFile(params string[] parts)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "OciBundle.Sdk.sln")))
            {
                return Path.Combine([dir.FullName, .. parts]);
            }
        }

        throw new InvalidOperationException("repository root not found");
    }

    [Fact]
    public void Every_resource_name_and_code_appears_once_in_the_resx()
    {
        // The ResourceManager keeps one entry per name, so duplicates must be found in the XML.
        var data = XDocument.Load(RepositoryFile("src", "OciBundle", "Diagnostics", "Messages.resx")).Root!.Elements("data").ToList();
        var names = data.Select(d => (string)d.Attribute("name")!).ToList();
        var codes = data.Select(d => ((string)d.Element("value")!)[..8]).ToList();
        Assert.Equal(names.Count, names.Distinct().Count());
        Assert.Equal(codes.Count, codes.Distinct().Count());
    }

    [Fact]
    public void Every_code_has_a_section_in_docs_diagnostics()
    {
        var doc = File.ReadAllText(RepositoryFile("docs", "diagnostics.md"));
        var missing = DiagnosticCatalog.All().Where(m => !doc.Contains($"### {m.Code}", StringComparison.Ordinal)).Select(m => m.Code).ToList();
        Assert.Empty(missing);
    }

    [Fact]
    public void Every_documented_code_exists()
    {
        var doc = File.ReadAllText(RepositoryFile("docs", "diagnostics.md"));
        var known = DiagnosticCatalog.All().Select(m => m.Code).ToHashSet();
        var stale = Regex.Matches(doc, "^### (OCIB[0-9]{4})", RegexOptions.Multiline).Select(m => m.Groups[1].Value).Where(c => !known.Contains(c)).ToList();
        Assert.Empty(stale);
    }

    [Fact]
    public void Docs_diagnostics_lists_codes_in_order()
    {
        // Readers look a code up by scrolling; merged branches once left four codes out of place.
        var doc = File.ReadAllText(RepositoryFile("docs", "diagnostics.md"));
        var codes = Regex.Matches(doc, "^### (OCIB[0-9]{4})", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToList();
        var misplaced = codes.Zip(codes.Skip(1)).Where(p => string.CompareOrdinal(p.First, p.Second) >= 0).Select(p => $"{p.First} before {p.Second}").ToList();
        Assert.Empty(misplaced);
    }

    [Fact]
    public void Every_public_name_has_a_section_in_docs_properties()
    {
        var doc = File.ReadAllText(RepositoryFile("docs", "properties.md"));
        var names = typeof(SurfaceNames).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (string)f.GetValue(null)!);
        var undocumented = names.Where(n => !doc.Contains($"### {n}", StringComparison.Ordinal)).ToList();
        Assert.Empty(undocumented);
    }

    [Fact]
    public void The_targets_raise_OCIB5001_with_the_catalogue_text()
    {
        var targets = XDocument.Load(RepositoryFile("src", "OciBundle.Sdk", "build", "OciBundle.Sdk.targets"));
        var error = Assert.Single(targets.Descendants(), e => e.Name.LocalName == "Error" && (string?)e.Attribute("Code") == "OCIB5001");
        var (code, text) = DiagnosticCatalog.Split(Messages.NetFrameworkMSBuild);
        Assert.Equal("OCIB5001", code);
        Assert.Equal(text, (string?)error.Attribute("Text"));
        Assert.Equal("'$(MSBuildRuntimeType)' != 'Core'", (string?)error.Attribute("Condition"));
    }

    [Fact]
    public void Every_task_parameter_is_passed_by_the_target()
    {
        var targets = File.ReadAllText(RepositoryFile("src", "OciBundle.Sdk", "build", "OciBundle.Sdk.targets"));
        var names = typeof(SurfaceNames).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (string)f.GetValue(null)!);
        var notPassed = names.Where(n => !targets.Contains($"{n}=\"", StringComparison.Ordinal)).ToList();
        Assert.Empty(notPassed);
    }
}
