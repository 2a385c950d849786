using System.Collections;
using System.Globalization;
using System.Resources;

namespace OciBundle.Diagnostics;

/// <summary>Reads the coded texts of Messages.resx.</summary>
public static class DiagnosticCatalog
{
    private const int CodeLength = 8; // "OCIB" + four digits

    /// <summary>Splits <c>"OCIB1234: text"</c> into the code and the text.</summary>
    public static (string Code, string Format) Split(string catalogueText)
    {
        if (catalogueText.Length < CodeLength + 2
            || !catalogueText.StartsWith("OCIB", StringComparison.Ordinal)
            || catalogueText[CodeLength] != ':')
        {
            throw new ArgumentException($"A catalogue text must start with 'OCIBnnnn: ': '{catalogueText}'.", nameof(catalogueText));
        }

        return (catalogueText[..CodeLength], catalogueText[(CodeLength + 1)..].TrimStart());
    }

    /// <summary>Every (resource name, code) pair, for the tests that keep codes unique and documented.</summary>
    public static IReadOnlyList<(string Name, string Code)> All()
    {
        var manager = new ResourceManager(typeof(Messages));
        using var set = manager.GetResourceSet(CultureInfo.InvariantCulture, createIfNotExists: true, tryParents: true)
            ?? throw new InvalidOperationException("Messages.resx is not embedded.");
        var result = new List<(string, string)>();
        foreach (DictionaryEntry entry in set)
        {
            result.Add(((string)entry.Key, Split((string)entry.Value!).Code));
        }

        result.Sort((a, b) => string.CompareOrdinal(a.Item1, b.Item1));
        return result;
    }
}
