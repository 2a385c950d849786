using OciBundle.Request;
using OciBundle.Settings;

namespace OciBundle.Tests.Building;

public class HookStepTests
{
    private static BundleRequest Hook(string path, params (string Name, string Value)[] metadata) =>
        RequestBuilder.Defaults().WithItem(SurfaceNames.Hook, path, metadata);

    [Fact]
    public void A_hook_without_args_gets_its_path_as_args0()
    {
        var hooks = SpecFixture.Json(Hook("/usr/local/bin/setup-net", ("Stage", "createRuntime"))).GetProperty("hooks");
        SpecFixture.Equal("""{ "createRuntime": [ { "path": "/usr/local/bin/setup-net", "args": ["/usr/local/bin/setup-net"] } ] }""", hooks);
    }

    [Fact]
    public void Args_env_and_timeout_are_written()
    {
        var request = Hook(
            "/usr/bin/logger",
            ("Stage", "Poststop"),
            ("Args", """ -t "my hook"  --msg "say \"bye\"" "" """),
            ("Env", "LOG_LEVEL=debug; MODE=a=b;"),
            ("Timeout", "5"));
        SpecFixture.Equal(
            """
            { "poststop": [ {
              "path": "/usr/bin/logger",
              "args": ["/usr/bin/logger", "-t", "my hook", "--msg", "say \"bye\"", ""],
              "env": ["LOG_LEVEL=debug", "MODE=a=b"],
              "timeout": 5
            } ] }
            """,
            SpecFixture.Json(request).GetProperty("hooks"));
    }

    [Fact]
    public void Hooks_of_each_stage_keep_item_order_and_stages_have_the_spec_order()
    {
        var request = RequestBuilder.Defaults()
            .WithItem(SurfaceNames.Hook, "/b", ("Stage", "poststart"))
            .WithItem(SurfaceNames.Hook, "/a", ("Stage", "PRESTART"))
            .WithItem(SurfaceNames.Hook, "/c", ("Stage", "poststart"))
            .WithItem(SurfaceNames.Hook, "/d", ("Stage", "startcontainer"))
            .WithItem(SurfaceNames.Hook, "/e", ("Stage", "createContainer"));
        var hooks = SpecFixture.Json(request).GetProperty("hooks");
        Assert.Equal(["prestart", "createContainer", "startContainer", "poststart"], hooks.EnumerateObject().Select(p => p.Name));
        Assert.Equal(["/b", "/c"], hooks.GetProperty("poststart").EnumerateArray().Select(h => h.GetProperty("path").GetString()));
    }

    [Fact]
    public void Without_items_hooks_are_left_out()
    {
        Assert.False(SpecFixture.Json(RequestBuilder.Defaults()).TryGetProperty("hooks", out _));
    }

    [Fact]
    public void Relative_hook_path_is_OCIB1061()
    {
        Assert.Equal(["OCIB1061"], SpecFixture.Codes(Hook("hooks/setup", ("Stage", "prestart"))));
    }

    [Theory]
    [InlineData("prestop")]
    [InlineData("")]
    public void Unknown_or_missing_stage_is_OCIB1062(string stage)
    {
        Assert.Equal(["OCIB1062"], SpecFixture.Codes(Hook("/bin/hook", ("Stage", stage))));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("1.5")]
    [InlineData("2147483648")]
    public void Bad_timeout_is_OCIB1063(string timeout)
    {
        Assert.Equal(["OCIB1063"], SpecFixture.Codes(Hook("/bin/hook", ("Stage", "poststop"), ("Timeout", timeout))));
        Assert.Empty(SpecFixture.Codes(Hook("/bin/hook", ("Stage", "poststop"), ("Timeout", "1"))));
    }

    [Fact]
    public void Unclosed_quote_in_args_is_OCIB1064()
    {
        Assert.Equal(["OCIB1064"], SpecFixture.Codes(Hook("/bin/hook", ("Stage", "poststop"), ("Args", "--name \"x y"))));
        Assert.Empty(SpecFixture.Codes(Hook("/bin/hook", ("Stage", "poststop"), ("Args", "--name \"x y\""))));
    }

    [Theory]
    [InlineData("NOVALUE")]
    [InlineData("=x")]
    [InlineData("1A=x")]
    [InlineData("A B=x")]
    public void Bad_env_entry_is_OCIB1065(string env)
    {
        Assert.Equal(["OCIB1065"], SpecFixture.Codes(Hook("/bin/hook", ("Stage", "poststop"), ("Env", env))));
        Assert.Empty(SpecFixture.Codes(Hook("/bin/hook", ("Stage", "poststop"), ("Env", "A="))));
    }

    [Theory]
    [InlineData("a b  c", new[] { "a", "b", "c" })]
    [InlineData("\"a b\"c", new[] { "a bc" })]
    [InlineData("x\\y \"p\\\\q\"", new[] { "x\\y", "p\\q" })]
    [InlineData("   ", new string[0])]
    public void Command_lines_split_like_a_shell_without_expansion(string text, string[] expected)
    {
        Assert.Equal(expected, CommandLine.Split(text));
    }
}
