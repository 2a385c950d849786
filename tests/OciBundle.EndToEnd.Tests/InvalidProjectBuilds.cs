namespace OciBundle.EndToEnd.Tests;

/// <summary>
/// Builds the invalid projects with one build running ahead of the test that asks: while a row
/// waits for its own build, the next case not yet started builds beside it. Each build is mostly
/// process start-up and MSBuild evaluation, so two at a time take about a third less wall time
/// than one after the other, and the class stays near two minutes. A row run alone builds only
/// itself and one other case.
/// </summary>
internal static class InvalidProjectBuilds
{
    private static readonly object Gate = new();
    private static readonly Dictionary<string, Task<(TestProject Project, ProcessResult Result)>> Started = new(StringComparer.Ordinal);

    public static Task<(TestProject Project, ProcessResult Result)> Get(SdkFeed feed, InvalidProject invalid)
    {
        lock (Gate)
        {
            var own = Start(feed, invalid);
            if (InvalidProjectCases.All.FirstOrDefault(c => !Started.ContainsKey(c.Name)) is { } next)
            {
                Start(feed, next);
            }

            return own;
        }
    }

    private static Task<(TestProject, ProcessResult)> Start(SdkFeed feed, InvalidProject invalid)
    {
        if (!Started.TryGetValue(invalid.Name, out var task))
        {
            task = Task.Run(() =>
            {
                var project = invalid.Create(feed);

                // No restore: these projects have no PackageReference and their SDKs come from the
                // SDK resolver, so restore has nothing to do, and skipping it halves each build.
                return (project, project.Build("--no-restore"));
            });
            Started[invalid.Name] = task;
        }

        return task;
    }
}
