using System.Globalization;
using System.Text.RegularExpressions;
using OciBundle.Diagnostics;
using OciBundle.Images;
using OciBundle.Request;

namespace OciBundle.Settings;

/// <summary>
/// What the project says about its output image (OciImageName, OciImageTag, OciPort, OciLabel,
/// OciGenerateLabels and the MSBuild properties the generated labels come from), read and checked
/// before anything is written. The .NET SDK's Container* names arrive here already mapped to
/// these by the targets.
/// </summary>
public sealed partial record ImageSettings(
    string Name,
    IReadOnlyList<string> Tags,
    IReadOnlyList<string> ExposedPorts,
    IReadOnlyList<KeyValuePair<string, string>> Labels,
    bool GenerateLabels,
    ImageMetadata Metadata)
{
    public const string DefaultTag = "latest";

    /// <summary>NuGet's placeholder description: not something to publish as a label.</summary>
    private const string NuGetDefaultDescription = "Package Description";

    /// <summary>The settings, or null when one is malformed (each problem reported).</summary>
    public static ImageSettings? Read(RequestReader reader)
    {
        var diagnostics = reader.Diagnostics;
        var errorsBefore = diagnostics.Items.Count(d => d.Severity == DiagnosticSeverity.Error);

        var (nameSource, name) = SurfaceReads.ImageName(reader) is { } given
            ? (SurfaceNames.ImageName + " (or ContainerRepository)", given)
            : (SurfaceNames.BundleName + " (the default of OciImageName)", SurfaceReads.BundleName(reader) ?? "bundle");
        if (ImageNames.WhyNotRepository(name) is { } why)
        {
            diagnostics.Error(Messages.InvalidImageName, reader.Locate(SurfaceNames.ImageName) ?? reader.Locate(SurfaceNames.BundleName), nameSource, name, why);
        }

        var tags = new List<string>();
        foreach (var item in reader.Items(SurfaceNames.ImageTag))
        {
            if (!ImageNames.IsTag(item.ItemSpec))
            {
                diagnostics.Error(Messages.InvalidImageTag, item.Location, item.ItemSpec);
            }
            else if (!tags.Contains(item.ItemSpec, StringComparer.Ordinal))
            {
                tags.Add(item.ItemSpec);
            }
        }

        if (tags.Count == 0 && reader.Items(SurfaceNames.ImageTag).Count == 0)
        {
            tags.Add(DefaultTag);
        }

        var ports = new SortedSet<(int Number, string Protocol)>();
        foreach (var item in reader.Items(SurfaceNames.Port))
        {
            if (ReadPort(reader, item) is { } port)
            {
                ports.Add(port);
            }
        }

        var labels = new List<KeyValuePair<string, string>>();
        foreach (var item in reader.Items(SurfaceNames.Label))
        {
            var value = item.Metadata.TryGetValue("Value", out var v) ? v : "";
            if (item.ItemSpec.Trim().Length == 0 || item.ItemSpec.Any(char.IsControl))
            {
                diagnostics.Error(Messages.InvalidLabel, item.Location, Printable(item.ItemSpec), "has a name that is empty or holds control characters");
            }
            else if (value.Any(c => char.IsControl(c) && c is not ('\n' or '\t')))
            {
                diagnostics.Error(Messages.InvalidLabel, item.Location, item.ItemSpec, $"has the Value '{Printable(value)}', which holds control characters");
            }
            else
            {
                labels.Add(new(item.ItemSpec, value));
            }
        }

        var generate = SurfaceReads.GenerateLabels(reader);
        var description = reader.String(ForeignNames.Description);
        var metadata = new ImageMetadata(
            reader.String(ForeignNames.Version),
            reader.String(ForeignNames.SourceRevisionId),
            reader.String(ForeignNames.RepositoryUrl),
            reader.String(ForeignNames.Title) ?? SurfaceReads.BundleName(reader),
            description == NuGetDefaultDescription ? null : description,
            reader.String(ForeignNames.Authors),
            reader.String(ForeignNames.PackageLicenseExpression));

        if (diagnostics.Items.Count(d => d.Severity == DiagnosticSeverity.Error) > errorsBefore)
        {
            return null;
        }

        return new ImageSettings(
            name,
            tags,
            ports.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Number}/{p.Protocol}")).ToList(),
            labels,
            generate,
            metadata);
    }

    /// <summary>"8080" with Type tcp or udp (tcp when not given); "8080/udp" is read too, as docker writes ports.</summary>
    private static (int, string)? ReadPort(RequestReader reader, RequestItem item)
    {
        var text = item.ItemSpec.Trim();
        string? protocolInName = null;
        if (text.IndexOf('/') is var slash and >= 0)
        {
            protocolInName = text[(slash + 1)..];
            text = text[..slash];
        }

        if (!RequestReader.TryParseInteger(text, 1, 65535, out var number) || text.StartsWith('-') || (protocolInName is not null && item.Get("Type") is not null))
        {
            reader.Diagnostics.Error(Messages.InvalidPort, item.Location, item.ItemSpec);
            return null;
        }

        var protocol = (protocolInName ?? item.Get("Type") ?? "tcp").Trim().ToLowerInvariant();
        if (protocol is not ("tcp" or "udp"))
        {
            reader.Diagnostics.Error(Messages.InvalidPortType, item.Location, item.ItemSpec, protocolInName ?? item.Get("Type"));
            return null;
        }

        return ((int)number, protocol);
    }

    private static string Printable(string text) => ControlCharacters().Replace(text, "?");

    [GeneratedRegex(@"\p{Cc}")]
    private static partial Regex ControlCharacters();
}

/// <summary>The project's descriptive properties, for the generated org.opencontainers.image.* labels.</summary>
public sealed record ImageMetadata(
    string? Version = null,
    string? Revision = null,
    string? Source = null,
    string? Title = null,
    string? Description = null,
    string? Authors = null,
    string? Licenses = null);
