using System.Text.Json.Nodes;
using OciBundle.Diagnostics;
using OciBundle.Request;
using OciBundle.Spec;
using OciBundle.Steps;
using OciBundle.Tests.Building;
using OciBundle.Tests.Support;

namespace OciBundle.Tests.Seccomp;

/// <summary>OciSeccompProfile naming a project's own file, in either form.</summary>
public sealed class ProfileFileTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private string Write(string json, string name = "profile.json")
    {
        var path = _temp.Combine(name);
        File.WriteAllText(path, json);
        return path;
    }

    private static (RuntimeSpec Spec, DiagnosticBag Diagnostics) Build(string profile, string architecture = "amd64", string? projectDirectory = null)
    {
        var request = new BundleRequest { ProjectDirectory = projectDirectory ?? Environment.CurrentDirectory };
        foreach (var (name, items) in RequestBuilder.Defaults().Items)
        {
            request.WithItems(name, items);
        }

        request.With(SurfaceNames.TargetArchitecture, architecture).With(SurfaceNames.SeccompProfile, profile);
        var diagnostics = new DiagnosticBag();
        return (SpecBuilder.Build(request, diagnostics), diagnostics);
    }

    private static JsonNode Seccomp(RuntimeSpec spec) => JsonNode.Parse(SpecJson.Serialize(spec))!["linux"]!["seccomp"]!;

    private const string OciForm = """
        {
          "defaultAction": "SCMP_ACT_ALLOW",
          "defaultErrnoRet": 1,
          "listenerPath": "/run/seccomp-agent.sock",
          "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"],
          "syscalls": [
            { "names": ["mount", "umount2"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13 },
            { "names": ["personality"], "action": "SCMP_ACT_NOTIFY", "args": [{ "index": 0, "value": 8, "op": "SCMP_CMP_NE" }] }
          ]
        }
        """;

    // Every field a test below breaks is a {placeholder}, so the good and the bad file differ in one value only.
    private const string DockerForm = """
        {
          "defaultAction": "{defaultAction}",
          "archMap": [
            { "architecture": "SCMP_ARCH_AARCH64", "subArchitectures": ["{subArchitecture}"] }
          ],
          "syscalls": [
            { "comment": "always", "names": ["read", "write"], "action": "{action}" },
            {
              "names": ["personality"],
              "action": "SCMP_ACT_ALLOW",
              "args": [{ "index": {index}, "value": 0, "op": "{op}" }]
            },
            { "names": ["mount"], "action": "SCMP_ACT_ALLOW", "includes": { "caps": ["{cap}"] } },
            { "names": ["set_tls"], "action": "SCMP_ACT_ALLOW", "includes": { "arches": ["arm64"] } },
            { "names": ["chroot"], "action": "SCMP_ACT_ERRNO", "excludes": { "caps": ["CAP_SYS_CHROOT"] } }
          ]
        }
        """;

    private static string Docker(params (string Name, string Value)[] changes)
    {
        var values = new Dictionary<string, string>
        {
            ["defaultAction"] = "SCMP_ACT_ERRNO",
            ["subArchitecture"] = "SCMP_ARCH_ARM",
            ["action"] = "SCMP_ACT_ALLOW",
            ["index"] = "0",
            ["op"] = "SCMP_CMP_EQ",
            ["cap"] = "CAP_SYS_ADMIN",
        };
        foreach (var (name, value) in changes)
        {
            values[name] = value;
        }

        return values.Aggregate(DockerForm, (text, v) => text.Replace("{" + v.Key + "}", v.Value, StringComparison.Ordinal));
    }

    [Fact]
    public void An_OCI_form_file_passes_through_unchanged()
    {
        var (spec, diagnostics) = Build(Write(OciForm));
        Assert.Empty(diagnostics.Items);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(OciForm), Seccomp(spec)), Seccomp(spec).ToJsonString());
    }

    [Fact]
    public void A_Docker_form_file_is_rendered_for_the_architecture_and_capabilities()
    {
        var (spec, diagnostics) = Build(Write(Docker()), "arm64");
        Assert.Empty(diagnostics.Items);
        var seccomp = spec.Linux.Seccomp!;
        Assert.Equal(["SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM"], seccomp.Architectures);
        Assert.Equal([["read", "write"], ["personality"], ["set_tls"]], seccomp.Syscalls!.Select(s => s.Names));
        var json = Seccomp(spec).ToJsonString();
        Assert.DoesNotContain("comment", json, StringComparison.Ordinal);
        Assert.Empty(SeccompSchema.Violations(Seccomp(spec).AsObject()));
    }

    [Fact]
    public void A_Docker_form_file_without_the_target_in_its_archMap_covers_the_native_architecture()
    {
        var (spec, _) = Build(Write(Docker()), "amd64");
        Assert.Equal(["SCMP_ARCH_X86_64"], spec.Linux.Seccomp!.Architectures);
        Assert.DoesNotContain(spec.Linux.Seccomp.Syscalls!, s => s.Names.Contains("set_tls"));
    }

    [Fact]
    public void A_relative_path_is_resolved_against_the_project_folder()
    {
        Write(OciForm, "seccomp.json");
        var (spec, diagnostics) = Build("seccomp.json", projectDirectory: _temp.Path);
        Assert.Empty(diagnostics.Items);
        Assert.Equal("SCMP_ACT_ALLOW", spec.Linux.Seccomp!.DefaultAction);
    }

    [Fact]
    public void Flags_in_a_file_are_kept_with_warning_OCIB2091()
    {
        var path = Write(OciForm.Replace("\"defaultErrnoRet\": 1,", "\"defaultErrnoRet\": 1, \"flags\": [\"SECCOMP_FILTER_FLAG_LOG\"],", StringComparison.Ordinal));
        var (spec, diagnostics) = Build(path);
        Assert.Equal(["SECCOMP_FILTER_FLAG_LOG"], spec.Linux.Seccomp!.Flags);
        var warning = Assert.Single(diagnostics.Items);
        Assert.Equal(("OCIB2091", DiagnosticSeverity.Warning), (warning.Code, warning.Severity));
        Assert.Equal((path, 3), (warning.Location!.File, warning.Location.Line));
    }

    [Theory]
    [InlineData("defaultAction", "SCMP_ACT_DENY", "SCMP_ACT_KILL_PROCESS", "OCIB1041", 2)]
    [InlineData("action", "SCMP_ACT_ALOW", "SCMP_ACT_LOG", "OCIB1041", 7)]
    [InlineData("subArchitecture", "SCMP_ARCH_ARM64", "SCMP_ARCH_ARM", "OCIB1042", 4)]
    [InlineData("op", "SCMP_CMP_EQUAL", "SCMP_CMP_MASKED_EQ", "OCIB1043", 11)]
    [InlineData("cap", "CAP_SYS_ADMN", "sys_admin", "OCIB1046", 13)]
    [InlineData("index", "6", "5", "OCIB3042", 11)]
    [InlineData("index", "-1", "0", "OCIB3040", 11)]
    [InlineData("index", "\"0\"", "0", "OCIB3040", 11)]
    public void Each_bad_value_has_its_code_at_its_line_and_the_nearest_good_value_passes(string field, string bad, string good, string code, int line)
    {
        var badPath = Write(Docker((field, bad)), "bad.json");
        var (spec, diagnostics) = Build(badPath, "arm64");
        var error = Assert.Single(diagnostics.Items);
        Assert.Equal(code, error.Code);
        Assert.Equal(DiagnosticSeverity.Error, error.Severity);
        Assert.Equal((badPath, line), (error.Location!.File, error.Location.Line));
        Assert.Null(spec.Linux.Seccomp);

        var (goodSpec, goodDiagnostics) = Build(Write(Docker((field, good)), "good.json"), "arm64");
        Assert.Empty(goodDiagnostics.Items);
        Assert.NotNull(goodSpec.Linux.Seccomp);
    }

    [Fact]
    public void An_unknown_architecture_in_architectures_is_OCIB1042()
    {
        var (_, bad) = Build(Write(OciForm.Replace("\"SCMP_ARCH_X86\"]", "\"SCMP_ARCH_I386\"]", StringComparison.Ordinal)));
        Assert.Equal("OCIB1042", Assert.Single(bad.Items).Code);
        Assert.Contains("'SCMP_ARCH_I386' at architectures[1]", bad.Items[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_flag_is_OCIB1045()
    {
        var (_, bad) = Build(Write(OciForm.Replace("\"defaultErrnoRet\": 1,", "\"defaultErrnoRet\": 1, \"flags\": [\"SECCOMP_FILTER_FLAG_FAST\"],", StringComparison.Ordinal)));
        Assert.Equal("OCIB1045", Assert.Single(bad.Items).Code);
    }

    [Fact]
    public void Invalid_json_is_OCIB3040_with_line_and_column()
    {
        var path = Write("{\n  \"defaultAction\": \"SCMP_ACT_ERRNO\",\n  \"syscalls\": [\n    { \"names\": [\"read\"] \"action\": \"SCMP_ACT_ALLOW\" }\n  ]\n}\n");
        var (_, diagnostics) = Build(path);
        var error = Assert.Single(diagnostics.Items);
        Assert.Equal("OCIB3040", error.Code);
        Assert.Equal((path, 4, 25), (error.Location!.File, error.Location.Line, error.Location.Column));
        Assert.Contains("line 4, column 25", error.Message, StringComparison.Ordinal);

        var (_, good) = Build(Write("{\n  \"defaultAction\": \"SCMP_ACT_ERRNO\",\n  \"syscalls\": [\n    { \"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\" }\n  ]\n}\n", "good.json"));
        Assert.Empty(good.Items);
    }

    [Theory] // found by fuzzing: finding the position for OCIB3042 threw InvalidOperationException (MSB4018)
    [InlineData("{\n  \"defaultAction\": \"SCMP_ACT_ERRNO\",\n  \"defaultErrnoRe\u00F4\": 1\n}\n", 3, 3)]
    [InlineData("{\n  \"defaultAction\": \"SCMP_ACT_ERRNO\",\n  \"syscalls\": [{ \"names\": [\"re\u00C3ad\"], \"action\": \"SCMP_ACT_ALLOW\" }]\n}\n", 3, 28)]
    [InlineData("{\n  \"defaultAction\": \"SCMP_ACT_ERRNO\",\n  \"comment\": \"\\udc00\"\n}\n", 3, 14)]
    public void A_string_that_is_not_text_is_OCIB3040_at_its_position(string latin1, int line, int column)
    {
        var path = _temp.Combine("profile.json");
        File.WriteAllBytes(path, System.Text.Encoding.Latin1.GetBytes(latin1)); // Latin-1: one byte per char, so U+00F4 is the lone byte 0xF4
        var (spec, diagnostics) = Build(path);
        var error = Assert.Single(diagnostics.Items);
        Assert.Equal("OCIB3040", error.Code);
        Assert.Equal((path, line, column), (error.Location!.File, error.Location.Line, error.Location.Column));
        Assert.Contains("not text", error.Message, StringComparison.Ordinal);
        Assert.Null(spec.Linux.Seccomp);
    }

    [Fact]
    public void A_value_of_the_wrong_kind_is_OCIB3040_without_dotnet_type_names()
    {
        var (_, diagnostics) = Build(Write("""{ "defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{ "names": "read", "action": "SCMP_ACT_ALLOW" }] }"""));
        var error = Assert.Single(diagnostics.Items);
        Assert.Equal("OCIB3040", error.Code);
        Assert.Contains("syscalls[0].names", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_file_is_OCIB3041_and_points_at_the_property()
    {
        var missing = _temp.Combine("nope.json");
        var (spec, diagnostics) = Build(missing);
        var error = Assert.Single(diagnostics.Items);
        Assert.Equal("OCIB3041", error.Code);
        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
        Assert.Null(spec.Linux.Seccomp);

        Write(OciForm, "nope.json");
        Assert.Empty(Build(missing).Diagnostics.Items);
    }

    [Fact]
    public void A_folder_is_OCIB3041()
    {
        Assert.Equal("OCIB3041", Assert.Single(Build(_temp.Path).Diagnostics.Items).Code);
    }

    [Theory]
    [InlineData("""{ "syscalls": [] }""", "no defaultAction")]
    [InlineData("""{ "defaultAcion": "SCMP_ACT_ERRNO", "defaultAction": "SCMP_ACT_ERRNO" }""", "unknown field 'defaultAcion'")]
    [InlineData("""{ "defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{ "names": [], "action": "SCMP_ACT_ALLOW" }] }""", "syscalls[0] has no names")]
    [InlineData("""{ "defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{ "names": ["read"] }] }""", "syscalls[0] has no action")]
    [InlineData("""{ "defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{ "names": ["read"], "action": "SCMP_ACT_ALLOW", "args": [{ "index": 0, "value": 1 }] }] }""", "has no op")]
    [InlineData("""{ "defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86_64"], "archMap": [] }""", "both architectures and archMap")]
    [InlineData("""{ "defaultAction": "SCMP_ACT_ERRNO", "syscalls": [null] }""", "syscalls[0] is null")]
    [InlineData("null", "holds null")]
    public void A_file_that_is_not_a_profile_is_OCIB3042(string json, string reason)
    {
        var error = Assert.Single(Build(Write(json)).Diagnostics.Items);
        Assert.Equal("OCIB3042", error.Code);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_problem_in_a_file_is_reported_at_once()
    {
        var (_, diagnostics) = Build(Write(Docker(("action", "ALLOW"), ("op", "EQ"), ("cap", "CAP_NOPE"))), "arm64");
        Assert.Equal(["OCIB1041", "OCIB1043", "OCIB1046"], diagnostics.Items.Select(d => d.Code));
    }

    [Fact]
    public void Privileged_does_not_read_the_file()
    {
        var request = RequestBuilder.Defaults().With(SurfaceNames.Privileged, "true").With(SurfaceNames.SeccompProfile, _temp.Combine("missing.json"));
        var diagnostics = new DiagnosticBag();
        Assert.Null(SpecBuilder.Build(request, diagnostics).Linux.Seccomp);
        Assert.Equal(["OCIB2080"], diagnostics.Items.Select(d => d.Code)); // only the privileged warning, nothing about seccomp
    }
}
