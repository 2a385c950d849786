namespace OciBundle.EndToEnd.Tests;

/// <summary>The real projects the tests build.</summary>
internal static class Projects
{
    public const string Busybox = "/bin/busybox";

    /// <summary>Prints what the process sees, one fact a line, so tests can assert each.</summary>
    public const string ShowScript = """
        #!/bin/sh
        for a in "$@"; do echo "arg=$a"; done
        echo "cwd=$(pwd)"
        echo "uid=$(id -u) gid=$(id -g)"
        echo "hostname=$(hostname)"
        env | sort | sed 's/^/env:/'
        """;

    /// <summary>A project with no code: busybox, applet links, the show script as entrypoint.</summary>
    public static string Show(string extraProperties = "", string extraItems = "") => $"""
        <Project Sdk="Microsoft.Build.NoTargets/3.7.0">
          <Sdk Name="OciBundle.Sdk" Version="{"{Version}"}" />
          <PropertyGroup>
            <TargetFramework>net8.0</TargetFramework>
            <OciWorkingDirectory>/srv</OciWorkingDirectory>
            <OciUser>1000:1001</OciUser>
            {extraProperties}
          </PropertyGroup>
          <ItemGroup>
            <OciRootfsFile Include="{Busybox}" TargetPath="/bin/busybox" Mode="0755" />
            <_Applet Include="sh;id;hostname;env;sort;sed;pwd" />
            <OciRootfsSymlink Include="@(_Applet->'/bin/%(Identity)')" LinkTarget="busybox" />
            <OciRootfsFile Include="show.sh" TargetPath="/usr/local/bin/show" />
            <OciRootfsDirectory Include="/srv" />
            <OciEntrypoint Include="/usr/local/bin/show" />
            <OciArgs Include="first" />
            <OciArgs Include="two words" />
            <OciEnvironmentVariable Include="GREETING" Value="hello world" />
            {extraItems}
          </ItemGroup>
        </Project>
        """;

    public static TestProject CreateShow(SdkFeed feed, string name, string extraProperties = "", string extraItems = "") =>
        feed.CreateProject(name, Show(extraProperties, extraItems), ("show.sh", ShowScript, true));

    /// <summary>
    /// A busybox project whose entrypoint is <paramref name="script"/> (run by sh), for tests
    /// that look at the container from inside.
    /// </summary>
    public static TestProject CreateProbe(SdkFeed feed, string name, string script, string properties = "", string items = "", params (string Path, string Content, bool Executable)[] files)
    {
        var xml = $"""
            <Project Sdk="Microsoft.Build.NoTargets/3.7.0">
              <Sdk Name="OciBundle.Sdk" Version="{"{Version}"}" />
              <PropertyGroup>
                <TargetFramework>net8.0</TargetFramework>
                {properties}
              </PropertyGroup>
              <ItemGroup>
                <OciRootfsFile Include="{Busybox}" TargetPath="/bin/busybox" Mode="0755" />
                <_Applet Include="sh;cat;grep;id;hostname;ls;wc;readlink;touch;echo;unshare;stat;head;tr" />
                <OciRootfsSymlink Include="@(_Applet->'/bin/%(Identity)')" LinkTarget="busybox" />
                <OciRootfsDirectory Include="/tmp" Mode="1777" />
                <OciRootfsFile Include="probe.sh" TargetPath="/probe.sh" Mode="0755" />
                <OciEntrypoint Include="/probe.sh" />
                {items}
              </ItemGroup>
            </Project>
            """;
        return feed.CreateProject(name, xml, [("probe.sh", "#!/bin/sh\n" + script + "\n", true), .. files]);
    }
}
