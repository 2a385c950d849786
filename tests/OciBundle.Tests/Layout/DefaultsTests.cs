using System.Text.Json;
using OciBundle.Diagnostics;
using OciBundle.Request;
using OciBundle.Spec;
using OciBundle.Tests.Building;
using OciBundle.Tests.Support;

namespace OciBundle.Tests.Layout;

/// <summary>
/// Issue 14 item 6, defaults in one place: the package's targets and props are the defaults; the
/// C# fallbacks for a property nobody passed must give the same bundle, and the tests' requests
/// are read from the package (<see cref="PackageDefaults"/>).
/// </summary>
public sealed class DefaultsTests
{
    [Fact]
    public void The_spec_version_default_is_one_value_in_the_targets_the_model_and_the_messages()
    {
        Assert.Equal(RuntimeSpec.DefaultVersion, PackageDefaults.Properties[SurfaceNames.SpecVersion]);
        Assert.Contains($"such as {RuntimeSpec.DefaultVersion} (the default;", Messages.InvalidSpecVersion, StringComparison.Ordinal);
        Assert.Contains($"(the default is {RuntimeSpec.DefaultVersion})", Messages.FieldNewerThanSpecVersion, StringComparison.Ordinal);
    }

    [Fact]
    public void A_request_without_the_targets_scalar_defaults_gives_the_same_config_json()
    {
        // What the task gets when the targets default a property, against what the core does
        // when nobody passed it: the two must not disagree.
        var withDefaults = RequestBuilder.Defaults();
        var without = RequestBuilder.Defaults();
        foreach (var name in PackageDefaults.Properties.Keys)
        {
            without.With(name, null);
        }

        Assert.Equal(Json(withDefaults), Json(without));
    }

    [Fact]
    public void The_test_requests_have_every_default_item_of_the_props()
    {
        var request = RequestBuilder.Defaults();
        foreach (var group in PackageDefaults.Items.GroupBy(i => i.ItemType))
        {
            Assert.Equal(group.Select(i => i.Include), request.GetItems(group.Key).Where(i => i.IsDefault).Select(i => i.ItemSpec));
        }

        Assert.Equal(7, request.GetItems(SurfaceNames.Mount).Count); // the drift: 3 of 7 mounts, no masked paths
        Assert.NotEmpty(request.GetItems(SurfaceNames.MaskedPath));
    }

    private static string Json(BundleRequest request)
    {
        var (spec, codes) = SpecFixture.Build(request);
        Assert.Empty(codes);
        return JsonSerializer.Serialize(JsonDocument.Parse(SpecJson.Serialize(spec)).RootElement);
    }
}
