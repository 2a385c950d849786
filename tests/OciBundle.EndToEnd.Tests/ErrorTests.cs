using System.Text.RegularExpressions;

namespace OciBundle.EndToEnd.Tests;

/// <summary>Invalid projects fail with a coded error at the user's line, and leave no bundle behind.</summary>
[Collection(SdkFeedCollection.Name)]
public sealed class ErrorTests(SdkFeed feed)
{
    public static TheoryData<string, string, string, string, string?> Cases => new()
    {
        // name, project body, expected code, text the message must contain, text of the line it must point at
        { "no-entrypoint", "<ItemGroup><OciRootfsFile Include=\"/bin/busybox\" TargetPath=\"/bin/busybox\" /></ItemGroup>", "OCIB2001", "OciEntrypoint", null },
        { "relative-cwd", "<PropertyGroup>\n    <OciWorkingDirectory>app</OciWorkingDirectory>\n  </PropertyGroup>", "OCIB1002", "OciWorkingDirectory is 'app'", "<OciWorkingDirectory>" },
        { "relative-target", "<ItemGroup>\n    <OciRootfsFile Include=\"/bin/busybox\" TargetPath=\"bin/busybox\" />\n  </ItemGroup>", "OCIB1004", "TargetPath 'bin/busybox'", "TargetPath=\"bin/busybox\"" },
        { "missing-base", "<PropertyGroup>\n    <OciBaseRootfs>images/missing.tar.gz</OciBaseRootfs>\n  </PropertyGroup>", "OCIB3001", "OciBaseRootfs 'images/missing.tar.gz'", "<OciBaseRootfs>" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void An_invalid_project_fails_with_a_coded_error_at_its_line(string name, string body, string code, string text, string? line)
    {
        var entrypoint = name == "no-entrypoint" ? "" : "<ItemGroup><OciEntrypoint Include=\"/bin/busybox\" /></ItemGroup>";
        var projectXml = $"""
            <Project Sdk="Microsoft.Build.NoTargets/3.7.0">
              <Sdk Name="OciBundle.Sdk" Version="{"{Version}"}" />
              <PropertyGroup>
                <TargetFramework>net8.0</TargetFramework>
              </PropertyGroup>
              {entrypoint}
              {body}
            </Project>
            """;
        var project = feed.CreateProject("error-" + name, projectXml);
        var result = project.Build();

        Assert.NotEqual(0, result.ExitCode);
        var errorLine = result.StdOut.Split('\n').FirstOrDefault(l => l.Contains($"error {code}:", StringComparison.Ordinal));
        Assert.True(errorLine is not null, $"no 'error {code}:' in:\n{result.All}");
        errorLine = Regex.Replace(errorLine.Trim(), @"^[0-9]+>", ""); // the node prefix of -v:n logs
        Assert.Contains(text, errorLine);
        Assert.StartsWith(project.ProjectFile, errorLine);
        if (line is not null)
        {
            // The element that holds the bad value: its line in the project file.
            var expectedLine = Array.FindIndex(File.ReadAllLines(project.ProjectFile), l => l.Contains(line, StringComparison.Ordinal)) + 1;
            Assert.True(expectedLine > 0);
            Assert.Contains($"{project.ProjectFile}({expectedLine},", errorLine);
        }

        Assert.DoesNotContain("MSB4018", result.All);
        Assert.DoesNotContain("Exception", result.All); // no stack trace
        Assert.False(Directory.Exists(project.BundleDirectory), "a failed build left a bundle folder behind");
    }

    [Fact]
    public void A_bad_value_passed_with_p_points_at_the_project_without_a_line()
    {
        var project = feed.CreateProject("error-global", """
            <Project Sdk="Microsoft.Build.NoTargets/3.7.0">
              <Sdk Name="OciBundle.Sdk" Version="{Version}" />
              <PropertyGroup>
                <TargetFramework>net8.0</TargetFramework>
                <OciWorkingDirectory>/srv</OciWorkingDirectory>
              </PropertyGroup>
              <ItemGroup><OciEntrypoint Include="/bin/busybox" /></ItemGroup>
            </Project>
            """);
        var result = project.Build("-p:OciWorkingDirectory=srv");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains($"{project.ProjectFile} : error OCIB1002: OciWorkingDirectory is 'srv'", result.StdOut);
    }
}
