using OciBundle.Request;

namespace OciBundle.Tests.Building;

public class SysctlStepTests
{
    private static BundleRequest Sysctl(BundleRequest request, string key, string? value = "1") =>
        value is null ? request.WithItem(SurfaceNames.Sysctl, key) : request.WithItem(SurfaceNames.Sysctl, key, ("Value", value));

    [Fact]
    public void Sysctls_are_written_sorted_by_key_with_slashes_as_dots()
    {
        var request = Sysctl(RequestBuilder.Defaults(), "net.ipv4.ip_forward", "1");
        Sysctl(request, "net/core/somaxconn", "1024");
        Sysctl(request, "kernel.shmmax", "68719476736");
        Sysctl(request, "fs.mqueue.msg_max", "100");
        SpecFixture.Equal(
            """{ "fs.mqueue.msg_max": "100", "kernel.shmmax": "68719476736", "net.core.somaxconn": "1024", "net.ipv4.ip_forward": "1" }""",
            SpecFixture.Json(request).GetProperty("linux").GetProperty("sysctl"));
    }

    [Fact]
    public void Without_items_sysctl_is_left_out()
    {
        Assert.False(SpecFixture.Json(RequestBuilder.Defaults()).GetProperty("linux").TryGetProperty("sysctl", out _));
    }

    [Fact]
    public void A_later_item_for_the_same_key_wins()
    {
        var request = Sysctl(Sysctl(RequestBuilder.Defaults(), "net.ipv4.ip_forward", "0"), "net/ipv4/ip_forward", "1");
        SpecFixture.Equal("""{ "net.ipv4.ip_forward": "1" }""", SpecFixture.Json(request).GetProperty("linux").GetProperty("sysctl"));
    }

    [Theory]
    [InlineData("Net.ipv4.ip_forward")]
    [InlineData("net..ipv4")]
    [InlineData("/net/ipv4")]
    [InlineData("net.ipv4.")]
    [InlineData("net ipv4")]
    [InlineData("-net.ipv4")]
    public void Malformed_key_is_OCIB1058(string key)
    {
        Assert.Equal(["OCIB1058"], SpecFixture.Codes(Sysctl(RequestBuilder.Defaults(), key)));
    }

    [Fact]
    public void Interface_names_with_dashes_are_keys()
    {
        Assert.Empty(SpecFixture.Codes(Sysctl(RequestBuilder.Defaults(), "net.ipv4.conf.veth-a1.forwarding")));
    }

    [Fact]
    public void Missing_value_is_OCIB1059()
    {
        Assert.Equal(["OCIB1059"], SpecFixture.Codes(Sysctl(RequestBuilder.Defaults(), "net.ipv4.ip_forward", null)));
        Assert.Empty(SpecFixture.Codes(Sysctl(RequestBuilder.Defaults(), "net.ipv4.ip_forward", "0")));
    }

    [Theory]
    [InlineData("net.ipv4.ip_forward", "network")]
    [InlineData("kernel.msgmax", "ipc")]
    [InlineData("kernel.sem", "ipc")]
    [InlineData("kernel.shm_rmid_forced", "ipc")]
    [InlineData("fs.mqueue.queues_max", "ipc")]
    [InlineData("kernel.domainname", "uts")]
    [InlineData("kernel.hostname", "uts")]
    public void A_namespaced_sysctl_without_its_namespace_is_OCIB2053(string key, string owner)
    {
        Assert.Empty(SpecFixture.Codes(Sysctl(RequestBuilder.Defaults(), key)));

        var without = new BundleRequest().WithItem(SurfaceNames.Entrypoint, "/x");
        foreach (var ns in new[] { "pid", "network", "ipc", "uts", "mount" }.Where(n => n != owner))
        {
            without.WithItem(SurfaceNames.Namespace, ns);
        }

        var (_, diagnostics) = SpecFixture.Diagnose(Sysctl(without, key));
        var error = Assert.Single(diagnostics);
        Assert.Equal("OCIB2053", error.Code);
        Assert.Contains($"needs a {owner} namespace", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_joined_network_namespace_allows_net_sysctls()
    {
        var request = Sysctl(RequestBuilder.Defaults(), "net.ipv4.ip_forward").WithItem(SurfaceNames.Namespace, "network", ("Path", "/var/run/netns/blue"));
        Assert.Empty(SpecFixture.Codes(request));
    }

    [Theory]
    [InlineData("vm.swappiness")]
    [InlineData("kernel.msg_next_id")]
    [InlineData("kernel.pid_max")]
    [InlineData("fs.file-max")]
    public void A_host_wide_sysctl_is_OCIB2054(string key)
    {
        Assert.Equal(["OCIB2054"], SpecFixture.Codes(Sysctl(RequestBuilder.Defaults(), key)));
    }
}
