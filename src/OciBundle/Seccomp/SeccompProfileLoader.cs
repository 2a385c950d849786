using System.Text.Json;
using OciBundle.Diagnostics;

namespace OciBundle.Seccomp;

/// <summary>Reads profile files: the built-in default (an embedded resource) and a project's own.</summary>
public static class SeccompProfileLoader
{
    private const string DefaultResourceName = "OciBundle.Seccomp.default-profile.json";

    private static readonly Lazy<(SeccompProfileSource Source, SeccompProfileDocument Document)> BuiltIn = new(ReadDefault);

    /// <summary>The built-in profile, parsed once per process; callers must not change it.</summary>
    public static SeccompProfileDocument Default => BuiltIn.Value.Document;

    public static SeccompProfileSource DefaultSource => BuiltIn.Value.Source;

    /// <summary>
    /// Parses a project's profile file from its bytes (the settings stage reads the file, the one
    /// home for opening a project's files). Null, with OCIB3040 reported, when it is not JSON of
    /// the right shape.
    /// </summary>
    public static (SeccompProfileSource Source, SeccompProfileDocument Document)? FromJson(string shownName, string filePath, byte[] json, Action<Diagnostic> report)
    {
        var source = new SeccompProfileSource(shownName, filePath, WithoutByteOrderMark(json));
        var document = Parse(source, report);
        return document is null ? null : (source, document);
    }

    public static SeccompProfileDocument? Parse(SeccompProfileSource source, Action<Diagnostic> report)
    {
        try
        {
            if (JsonPositions.FindUndecodableString(source.Json) is { } bad)
            {
                report(Diagnostic.Error(Messages.SeccompProfileInvalidJson, new SourceLocation(source.FilePath, bad.Line, bad.Column), source.ShownName, bad.Line, bad.Column, bad.Reason));
                return null;
            }

            var document = JsonSerializer.Deserialize(source.Json, SeccompProfileJsonContext.Default.SeccompProfileDocument);
            if (document is null)
            {
                report(Diagnostic.Error(Messages.SeccompProfileMalformed, new SourceLocation(source.FilePath), source.ShownName, "the file holds null instead of an object"));
            }

            return document;
        }
        catch (JsonException e)
        {
            // JsonException counts from 0; editors and MSBuild count lines and columns from 1.
            var line = (int)(e.LineNumber ?? 0) + 1;
            var column = (int)(e.BytePositionInLine ?? 0) + 1;
            report(Diagnostic.Error(Messages.SeccompProfileInvalidJson, new SourceLocation(source.FilePath, line, column), source.ShownName, line, column, Explain(e)));
            return null;
        }
    }

    /// <summary>The reason without the position (the message has it already) and without .NET type names.</summary>
    private static string Explain(JsonException e)
    {
        var message = e.Message;
        var cut = message.IndexOf(" Path: ", StringComparison.Ordinal);
        if (cut >= 0)
        {
            message = message[..cut];
        }

        if (message.StartsWith("The JSON value could not be converted", StringComparison.Ordinal))
        {
            var where = e.Path is { Length: > 1 } path ? " at " + path.TrimStart('$', '.') : "";
            message = $"a value of the wrong kind{where} (names, arches, caps and architectures are lists of strings; index, value, valueTwo and errnoRet are whole numbers from 0)";
        }

        return message.TrimEnd('.');
    }

    private static byte[] WithoutByteOrderMark(byte[] json) =>
        json.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? json[3..] : json;

    private static (SeccompProfileSource, SeccompProfileDocument) ReadDefault()
    {
        using var stream = typeof(SeccompProfileLoader).Assembly.GetManifestResourceStream(DefaultResourceName)
            ?? throw new InvalidOperationException($"{DefaultResourceName} is not embedded.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        var source = new SeccompProfileSource("default", DefaultResourceName, copy.ToArray());
        var diagnostics = new List<Diagnostic>();
        var document = Parse(source, diagnostics.Add);

        // The built-in profile is our own data: a fault in it is a bug in this package (a test
        // checks it), never something a project could fix.
        if (document is null || !SeccompProfileValidator.Check(document, source, diagnostics.Add))
        {
            throw new InvalidOperationException("The built-in seccomp profile is invalid: " + string.Join("; ", diagnostics));
        }

        return (source, document);
    }
}
