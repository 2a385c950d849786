namespace OciBundle.EndToEnd.Tests;

/// <summary>
/// One project with a bad value: the smallest project that gets <see cref="Code"/> (an error, or
/// for the warning tests a warning), and the text that finds the element it must point at.
/// </summary>
/// <param name="Name">Unique, names the test row and the project folder.</param>
/// <param name="Code">The OCIBnnnn the build must report.</param>
internal sealed record InvalidProject(string Name, string Code)
{
    /// <summary>Property elements, one a line, put in the project's PropertyGroup.</summary>
    public string Properties { get; init; } = "";

    /// <summary>Item elements, one a line, put in the project's ItemGroup.</summary>
    public string Items { get; init; } = "";

    /// <summary>The body of a Directory.Build.props beside the project, or null for none.</summary>
    public string? DirectoryBuildProps { get; init; }

    /// <summary>
    /// Text on the one line of the element (or JSON value) the error must point at; it is looked
    /// for in the project, Directory.Build.props and <see cref="Files"/>, and must be in exactly one
    /// of them. Null when there is no such element: the error then names the project file alone.
    /// </summary>
    public string? Needle { get; init; }

    /// <summary>Text files written beside the project (path relative to the project folder).</summary>
    public (string Path, string Content)[] Files { get; init; } = [];

    /// <summary>Anything else the project folder needs (archives, links), given the folder.</summary>
    public Action<string>? Setup { get; init; }

    /// <summary>False to leave out the OciEntrypoint every other project has.</summary>
    public bool Entrypoint { get; init; } = true;

    /// <summary>The bundle folder relative to the project, which a failed build must not leave.</summary>
    public string BundleFolder { get; init; } = "bin/Debug/net8.0/oci-bundle";

    public string ProjectXml() => $"""
        <Project Sdk="Microsoft.Build.NoTargets/3.7.0">
          <Sdk Name="OciBundle.Sdk" Version="{"{Version}"}" />
          <PropertyGroup>
            <TargetFramework>net8.0</TargetFramework>
            {Properties}
          </PropertyGroup>
          <ItemGroup>
            {(Entrypoint ? "<OciEntrypoint Include=\"/bin/busybox\" /><OciRootfsFile Include=\"/bin/busybox\" TargetPath=\"/bin/busybox\" />" : "")}
            {Items}
          </ItemGroup>
        </Project>
        """;

    public TestProject Create(SdkFeed feed)
    {
        var files = Files.Select(f => (f.Path, f.Content, false)).ToList();
        if (DirectoryBuildProps is not null)
        {
            files.Add(("Directory.Build.props", $"<Project>\n{DirectoryBuildProps}\n</Project>\n", false));
        }

        var project = feed.CreateProject("invalid-" + Name, ProjectXml(), [.. files]);
        Setup?.Invoke(project.Directory);
        return project;
    }

    /// <summary>
    /// How a <paramref name="severity"/> diagnostic line for this case must start:
    /// "file(line,col): severity CODE:" at the needle's element, or "project : severity CODE:".
    /// </summary>
    public string ExpectedStart(TestProject project, string severity)
    {
        if (Needle is null)
        {
            return $"{project.ProjectFile} : {severity} {Code}:";
        }

        var holders = new[] { project.ProjectFile, Path.Combine(project.Directory, "Directory.Build.props") }
            .Concat(Files.Select(f => Path.Combine(project.Directory, f.Path)))
            .Where(f => File.Exists(f) && File.ReadAllText(f).Contains(Needle, StringComparison.Ordinal))
            .ToList();
        Assert.True(holders.Count == 1, $"the needle '{Needle}' must be in exactly one file, found: {string.Join(", ", holders)}");
        return $"{holders[0]}{BuildLog.Position(holders[0], Needle)}: {severity} {Code}:";
    }

    public override string ToString() => Name;
}
