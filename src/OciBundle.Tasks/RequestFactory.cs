using System.Collections;
using Microsoft.Build.Framework;
using OciBundle.Diagnostics;
using OciBundle.Request;

namespace OciBundle.Tasks;

/// <summary>
/// Copies the task's parameters into a BundleRequest: names in, plain values out. The copy itself
/// (CopyParameters) is generated from SurfaceTable.txt with the parameters.
/// </summary>
internal static partial class RequestFactory
{
    /// <summary>The package's props, which declare the default items: tasks/net8.0/ → build/.</summary>
    private static readonly string DefaultItemsFile = Path.GetFullPath(
        Path.Combine(Path.GetDirectoryName(typeof(RequestFactory).Assembly.Location)!, "..", "..", "build", "OciBundle.Sdk.props"));

    public static BundleRequest Create(GenerateOciBundle task)
    {
        var projectFile = task.ProjectFullPath;
        var projectDirectory = Path.GetDirectoryName(projectFile) ?? Environment.CurrentDirectory;
        var locator = new ProjectSourceLocator(ProjectImports.Expand(
            task.ProjectFiles.Select(f => f.GetMetadata("FullPath")).Where(File.Exists).Distinct().ToList(), projectDirectory));
        // A property passed with -p: wins over any element in the files: then there is no line to show.
        var global = task.BuildEngine is IBuildEngine6 engine6
            ? engine6.GetGlobalProperties().Keys.ToHashSet(StringComparer.OrdinalIgnoreCase)
            : [];
        var request = new BundleRequest
        {
            ProjectDirectory = projectDirectory,
            LocateProperty = name => global.Contains(name) ? null : locator.LocateProperty(name),
            ProjectElements = locator.PropertyAndItemElements().ToList(),
        };

        // One line per task row of SurfaceTable.txt, generated: properties by key, items with their locations.
        CopyParameters(task, request, (items, type) => items.Select(i => ToRequestItem(i, type, locator)));
        return request;
    }

    private static RequestItem ToRequestItem(ITaskItem item, string itemType, ProjectSourceLocator locator)
    {
        var metadata = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (DictionaryEntry entry in item.CloneCustomMetadata())
        {
            metadata[(string)entry.Key] = (string?)entry.Value ?? "";
        }

        if (itemType is SurfaceNames.RootfsFile or PlumbingNames.PublishFile)
        {
            // Well-known metadata the core needs for files placed from globs.
            metadata["FullPath"] = item.GetMetadata("FullPath");
            metadata["RecursiveDir"] = item.GetMetadata("RecursiveDir");
        }

        var definingFile = item.GetMetadata("DefiningProjectFullPath");
        return new RequestItem(item.ItemSpec, metadata, () => locator.LocateItem(definingFile, itemType, item.ItemSpec))
        {
            IsDefault = string.Equals(definingFile, DefaultItemsFile, StringComparison.Ordinal),
        };
    }
}
