using OciBundle.Request;

namespace OciBundle.Tests.Building;

public class ResourcesStepTests
{
    private static BundleRequest With(params (string Name, string Value)[] properties)
    {
        var request = RequestBuilder.Defaults();
        foreach (var (name, value) in properties)
        {
            request.With(name, value);
        }

        return request;
    }

    [Fact]
    public void Without_resource_properties_only_the_device_cgroup_is_written()
    {
        var resources = SpecFixture.Json(RequestBuilder.Defaults()).GetProperty("linux").GetProperty("resources");
        Assert.Equal(["devices"], resources.EnumerateObject().Select(p => p.Name));
    }

    [Theory]
    [InlineData("268435456", 268435456L)]
    [InlineData("256Mi", 268435456L)]
    [InlineData("256M", 256000000L)]
    [InlineData("512k", 512000L)]
    [InlineData("512K", 512000L)]
    [InlineData("4Ki", 4096L)]
    [InlineData("2Gi", 2147483648L)]
    [InlineData("1G", 1000000000L)]
    [InlineData("1Ti", 1099511627776L)]
    [InlineData("1T", 1000000000000L)]
    public void Memory_sizes_take_SI_and_IEC_suffixes(string text, long bytes)
    {
        Assert.True(ByteSize.TryParse(text, out var parsed));
        Assert.Equal(bytes, parsed);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("1.5G")]
    [InlineData("256m")]
    [InlineData("256mi")]
    [InlineData("256MB")]
    [InlineData("Mi")]
    [InlineData("256 Mi")]
    [InlineData("9000000Ti")]
    [InlineData("lots")]
    public void Malformed_memory_sizes_are_refused(string text)
    {
        Assert.False(ByteSize.TryParse(text, out _));
    }

    [Fact]
    public void Memory_properties_fill_resources_memory_and_keep_the_devices()
    {
        var resources = SpecFixture.Json(With(
            (SurfaceNames.MemoryLimit, "256Mi"),
            (SurfaceNames.MemoryReservation, "128Mi"),
            (SurfaceNames.MemorySwap, "512Mi"))).GetProperty("linux").GetProperty("resources");
        SpecFixture.Equal("""{ "limit": 268435456, "reservation": 134217728, "swap": 536870912 }""", resources.GetProperty("memory"));
        Assert.Equal(10, resources.GetProperty("devices").GetArrayLength());
    }

    [Fact]
    public void Swap_minus_one_is_unlimited_and_needs_no_limit()
    {
        var memory = SpecFixture.Json(With((SurfaceNames.MemorySwap, "-1"))).GetProperty("linux").GetProperty("resources").GetProperty("memory");
        SpecFixture.Equal("""{ "swap": -1 }""", memory);
    }

    [Theory]
    [InlineData(SurfaceNames.MemoryLimit, "256MB")]
    [InlineData(SurfaceNames.MemoryReservation, "0")]
    [InlineData(SurfaceNames.MemoryLimit, "-1")]
    public void Malformed_memory_size_is_OCIB1050(string name, string value)
    {
        Assert.Equal(["OCIB1050"], SpecFixture.Codes(With((name, value))));
        Assert.Empty(SpecFixture.Codes(With((name, "256Mi"))));
    }

    [Theory]
    [InlineData("-2")]
    [InlineData("0")]
    [InlineData("1g")]
    public void Malformed_swap_is_OCIB1051(string value)
    {
        Assert.Equal(["OCIB1051"], SpecFixture.Codes(With((SurfaceNames.MemoryLimit, "1G"), (SurfaceNames.MemorySwap, value))));
        Assert.Empty(SpecFixture.Codes(With((SurfaceNames.MemoryLimit, "1G"), (SurfaceNames.MemorySwap, "1G"))));
    }

    [Fact]
    public void Swap_below_the_memory_limit_is_OCIB2050()
    {
        Assert.Equal(["OCIB2050"], SpecFixture.Codes(With((SurfaceNames.MemoryLimit, "1Gi"), (SurfaceNames.MemorySwap, "512Mi"))));
        Assert.Empty(SpecFixture.Codes(With((SurfaceNames.MemoryLimit, "1Gi"), (SurfaceNames.MemorySwap, "1Gi"))));
        Assert.Empty(SpecFixture.Codes(With((SurfaceNames.MemoryLimit, "1Gi"), (SurfaceNames.MemorySwap, "-1"))));
    }

    [Fact]
    public void Reservation_above_the_memory_limit_is_OCIB2051()
    {
        Assert.Equal(["OCIB2051"], SpecFixture.Codes(With((SurfaceNames.MemoryLimit, "256Mi"), (SurfaceNames.MemoryReservation, "257Mi"))));
        Assert.Empty(SpecFixture.Codes(With((SurfaceNames.MemoryLimit, "256Mi"), (SurfaceNames.MemoryReservation, "256Mi"))));
        Assert.Empty(SpecFixture.Codes(With((SurfaceNames.MemoryReservation, "1Ti"))));
    }

    [Fact]
    public void Swap_without_a_memory_limit_is_OCIB2055()
    {
        Assert.Equal(["OCIB2055"], SpecFixture.Codes(With((SurfaceNames.MemorySwap, "1Gi"))));
        Assert.Empty(SpecFixture.Codes(With((SurfaceNames.MemorySwap, "1Gi"), (SurfaceNames.MemoryLimit, "512Mi"))));
        Assert.Equal(["OCIB1050"], SpecFixture.Codes(With((SurfaceNames.MemorySwap, "1Gi"), (SurfaceNames.MemoryLimit, "512MB"))));
    }

    [Theory]
    [InlineData("1.5", 150000L)]
    [InlineData("0.5", 50000L)]
    [InlineData("2", 200000L)]
    [InlineData("0.00001", 1L)]
    public void Cpus_become_quota_over_the_default_period(string cpus, long quota)
    {
        var cpu = SpecFixture.Json(With((SurfaceNames.Cpus, cpus))).GetProperty("linux").GetProperty("resources").GetProperty("cpu");
        SpecFixture.Equal($$"""{ "quota": {{quota}}, "period": 100000 }""", cpu);
    }

    [Fact]
    public void Cpus_use_the_given_period()
    {
        var cpu = SpecFixture.Json(With((SurfaceNames.Cpus, "1.5"), (SurfaceNames.CpuPeriod, "50000"))).GetProperty("linux").GetProperty("resources").GetProperty("cpu");
        SpecFixture.Equal("""{ "quota": 75000, "period": 50000 }""", cpu);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("1,5")]
    [InlineData("0.000001")]
    [InlineData("two")]
    public void Malformed_cpus_is_OCIB1052(string value)
    {
        Assert.Equal(["OCIB1052"], SpecFixture.Codes(With((SurfaceNames.Cpus, value))));
    }

    [Fact]
    public void Cpus_with_a_cpu_quota_is_OCIB2052()
    {
        Assert.Equal(["OCIB2052"], SpecFixture.Codes(With((SurfaceNames.Cpus, "1"), (SurfaceNames.CpuQuota, "50000"))));
        Assert.Empty(SpecFixture.Codes(With((SurfaceNames.Cpus, "1"), (SurfaceNames.CpuPeriod, "50000"))));
    }

    [Fact]
    public void Raw_cpu_fields_are_written_as_given()
    {
        var cpu = SpecFixture.Json(With(
            (SurfaceNames.CpuShares, "512"),
            (SurfaceNames.CpuQuota, "-1"),
            (SurfaceNames.CpuPeriod, "1000000"),
            (SurfaceNames.CpusetCpus, "0-3,5"),
            (SurfaceNames.CpusetMems, "0"))).GetProperty("linux").GetProperty("resources").GetProperty("cpu");
        SpecFixture.Equal("""{ "shares": 512, "quota": -1, "period": 1000000, "cpus": "0-3,5", "mems": "0" }""", cpu);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("262145")]
    [InlineData("x")]
    public void Cpu_shares_out_of_range_is_OCIB1053(string value)
    {
        Assert.Equal(["OCIB1053"], SpecFixture.Codes(With((SurfaceNames.CpuShares, value))));
        Assert.Empty(SpecFixture.Codes(With((SurfaceNames.CpuShares, "2"))));
        Assert.Empty(SpecFixture.Codes(With((SurfaceNames.CpuShares, "262144"))));
    }

    [Theory]
    [InlineData(SurfaceNames.CpuQuota, "0")]
    [InlineData(SurfaceNames.CpuQuota, "-2")]
    [InlineData(SurfaceNames.CpuQuota, "+5")]
    [InlineData(SurfaceNames.PidsLimit, "0")]
    [InlineData(SurfaceNames.PidsLimit, "many")]
    public void A_limit_that_is_neither_minus_one_nor_positive_is_OCIB1054(string name, string value)
    {
        Assert.Equal(["OCIB1054"], SpecFixture.Codes(With((name, value))));
        Assert.Empty(SpecFixture.Codes(With((name, "-1"))));
        Assert.Empty(SpecFixture.Codes(With((name, "1"))));
    }

    [Theory]
    [InlineData("999")]
    [InlineData("1000001")]
    [InlineData("1e5")]
    public void Cpu_period_out_of_range_is_OCIB1055(string value)
    {
        Assert.Equal(["OCIB1055"], SpecFixture.Codes(With((SurfaceNames.CpuPeriod, value))));
        Assert.Empty(SpecFixture.Codes(With((SurfaceNames.CpuPeriod, "1000"))));
    }

    [Theory]
    [InlineData(SurfaceNames.CpusetCpus, "3-1")]
    [InlineData(SurfaceNames.CpusetCpus, "0-")]
    [InlineData(SurfaceNames.CpusetCpus, "0,,1")]
    [InlineData(SurfaceNames.CpusetMems, "0-1-2")]
    [InlineData(SurfaceNames.CpusetMems, "a")]
    [InlineData(SurfaceNames.CpusetMems, "0, 1")]
    public void Malformed_cpu_list_is_OCIB1056(string name, string value)
    {
        Assert.Equal(["OCIB1056"], SpecFixture.Codes(With((name, value))));
        Assert.Empty(SpecFixture.Codes(With((name, "0-1,3"))));
    }

    [Fact]
    public void Pids_limit_and_block_io_weight_are_written()
    {
        var resources = SpecFixture.Json(With((SurfaceNames.PidsLimit, "100"), (SurfaceNames.BlockIOWeight, "500"))).GetProperty("linux").GetProperty("resources");
        SpecFixture.Equal("""{ "limit": 100 }""", resources.GetProperty("pids"));
        SpecFixture.Equal("""{ "weight": 500 }""", resources.GetProperty("blockIO"));
    }

    [Theory]
    [InlineData("9")]
    [InlineData("1001")]
    [InlineData("heavy")]
    public void Block_io_weight_out_of_range_is_OCIB1057(string value)
    {
        Assert.Equal(["OCIB1057"], SpecFixture.Codes(With((SurfaceNames.BlockIOWeight, value))));
        Assert.Empty(SpecFixture.Codes(With((SurfaceNames.BlockIOWeight, "10"))));
        Assert.Empty(SpecFixture.Codes(With((SurfaceNames.BlockIOWeight, "1000"))));
    }
}
