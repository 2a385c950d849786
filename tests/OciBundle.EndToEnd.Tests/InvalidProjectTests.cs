namespace OciBundle.EndToEnd.Tests;

/// <summary>
/// Every invalid project fails the real build with its coded error, pointing at the element that
/// holds the bad value, cleanly (no crash, no stack trace) and without leaving a bundle behind.
/// </summary>
[Collection(SdkFeedCollection.Name)]
public sealed class InvalidProjectTests(SdkFeed feed)
{
    public static TheoryData<string> Names => new(InvalidProjectCases.All.Select(c => c.Name));

    [Fact]
    public void Every_case_has_its_own_name_and_there_are_enough_codes()
    {
        Assert.Equal(InvalidProjectCases.All.Count, InvalidProjectCases.All.Select(c => c.Name).Distinct().Count());
        Assert.True(InvalidProjectCases.All.Select(c => c.Code).Distinct().Count() >= 30);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public async Task An_invalid_project_fails_with_its_code_at_the_bad_element(string name)
    {
        var invalid = InvalidProjectCases.All.Single(c => c.Name == name);
        var (project, result) = await InvalidProjectBuilds.Get(feed, invalid);

        Assert.True(result.ExitCode != 0, $"the build succeeded:\n{result.All}");
        var errors = BuildLog.Lines(result, "error", invalid.Code);
        Assert.True(errors.Count > 0, $"no 'error {invalid.Code}:' in:\n{result.All}");
        var expected = invalid.ExpectedStart(project, "error");
        Assert.True(
            errors.Any(e => e.StartsWith(expected, StringComparison.Ordinal)),
            $"no 'error {invalid.Code}' starts with '{expected}':\n{string.Join('\n', errors)}");
        BuildLog.AssertNoCrash(result);
        Assert.False(Directory.Exists(Path.Combine(project.Directory, invalid.BundleFolder)), "a failed build left a bundle folder behind");
    }
}
