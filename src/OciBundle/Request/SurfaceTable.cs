namespace OciBundle.Request;

/// <summary>
/// The MSBuild surface as one table: <c>SurfaceTable.txt</c> beside this file lists every name
/// once, and OciBundle.SurfaceGenerator turns it into <see cref="SurfaceNames"/>,
/// <see cref="ForeignNames"/>, <see cref="PlumbingNames"/>, <see cref="SurfaceReads"/> (each
/// public property's one read, of its row's parser), <see cref="Rows"/> and <see cref="Groups"/> here, and into the task's parameters and their copy into the request in
/// OciBundle.Tasks. The targets' task call, the defaults and docs/properties.md are checked
/// against it by SurfaceTableTests.
/// </summary>
public static partial class SurfaceTable
{
}

/// <summary>A group line of the table; public groups hold the names a project writes.</summary>
public sealed record SurfaceGroup(string Name, bool IsPublic, string Title);

/// <summary>
/// One row of the table. <paramref name="Key"/> is the BundleRequest key (null: the task adapter
/// uses the value itself); <paramref name="Default"/> the targets' literal default,
/// <c>(computed)</c>, <c>props</c> (default items), or null for none; <paramref name="Passed"/>
/// what the targets' task call passes when it is not <c>$(Name)</c> or <c>@(Name)</c>;
/// <paramref name="Parser"/> how a public property is read (bool, text, integer, limit), the
/// generated <see cref="SurfaceReads"/> method of its name.
/// </summary>
public sealed record SurfaceRow(
    string Name, bool IsItems, string Group, bool IsPublic, bool IsTaskParameter, bool Required, bool Known, string? Default, string? Passed, string? Key, string? Parser)
{
    /// <summary>What the task call passes: <see cref="Passed"/>, or the name as a property or item reference.</summary>
    public string PassedExpression => Passed ?? (IsItems ? $"@({Name})" : $"$({Name})");

    /// <summary>A name a project may write without the typo warning OCIB1093.</summary>
    public bool IsKnownToProjects => IsPublic || Known;
}
