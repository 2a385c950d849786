using OciBundle.Diagnostics;
using OciBundle.Tests.Support;

namespace OciBundle.Tests.Diagnostics;

/// <summary>The project's own imports, followed for the typo check; the SDKs' and Microsoft's never.</summary>
public sealed class ProjectImportsTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private string Write(string relative, string xml)
    {
        var path = _temp.Combine(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, xml);
        return path;
    }

    [Fact]
    public void Imports_are_followed_depth_first_before_the_importing_file_each_once()
    {
        var inner = Write("build/inner.props", "<Project />");
        var common = Write("common.props", """
            <Project>
              <Import Project="$(MSBuildThisFileDirectory)build/inner.props" />
              <Import Project="common.props" />
            </Project>
            """);
        var other = Write("other.targets", "<Project><Import Project=\"$(MSBuildProjectDirectory)/build/inner.props\" /></Project>");
        var project = Write("app.proj", """
            <Project Sdk="Microsoft.NET.Sdk">
              <Import Project="common.props" />
              <Import Project="Sdk.props" Sdk="Microsoft.NET.Sdk" />
              <Import Project="$(MSBuildExtensionsPath)/Microsoft.Common.props" />
              <Import Project="$(NuGetPackageRoot)x/build/x.props" />
              <Import Project="*.props" />
              <Import Project="missing.props" />
              <Import Project="other.targets" />
            </Project>
            """);

        Assert.Equal([inner, common, other, project], ProjectImports.Expand([project], _temp.Path));
    }

    [Fact]
    public void An_unreadable_or_broken_file_has_no_imports()
    {
        var broken = Write("broken.proj", "<Project><Import Project=\"a.props\"");
        Write("a.props", "<Project />");
        Assert.Equal([broken], ProjectImports.Expand([broken], _temp.Path));
    }

    [Theory]
    [InlineData("x.props", "/p/x.props")]
    [InlineData("../y/x.props", "/y/x.props")]
    [InlineData("$(MSBuildThisFileDirectory)x.props", "/p/x.props")]
    [InlineData("$(MSBuildProjectDirectory)/x.props", "/proj/x.props")]
    [InlineData("$(Other)/x.props", null)]
    [InlineData("@(Items)", null)]
    [InlineData("a.props;b.props", null)]
    [InlineData("  ", null)]
    public void Only_paths_from_the_two_folders_resolve(string project, string? expected)
    {
        Assert.Equal(expected, ProjectImports.Resolve(project, "/p", "/proj"));
    }
}
