using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Strata.Client;

namespace Strata.Tests.Client;

public sealed class RequireTests
{
    private const string SecretLooking = "s3cret-Pa55word";

    /// <summary>Two providers, as an app composes them: JSON (where null is a value of its own) and an in-memory one.</summary>
    private static IConfigurationRoot Configuration() => new ConfigurationBuilder()
        .AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes("""
            {"checkout": {"max_items": 50, "banner": "", "nothing": null, "limits": {"rps": 120}, "list": [1, 2]},
             "db": {"password": "s3cret-Pa55word", "port": "5432"}}
            """)))
        .AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["features:dark_mode"] = "true",
            ["features:timeout"] = "00:00:30",
            ["features:ratio"] = "1.5",
            ["features:id"] = "6f1c1f0e-8f5a-4c1e-9a53-0d3b7a3c2e11",
            ["features:home"] = "https://example.test/home",
            ["Logging:LogLevel:Default"] = "Warning",
            ["features:removed"] = null,
        })
        .Build();

    [Fact]
    public void Require_names_every_missing_setting_in_the_order_asked()
    {
        var missing = Assert.Throws<MissingSettingsException>(() => Configuration().Require(
            "checkout:max_items", "db:user", "checkout:nothing", "db:password", "features:removed", "billing", "checkout:limits:burst"));

        Assert.Equal(["db:user", "checkout:nothing", "features:removed", "billing", "checkout:limits:burst"], missing.Missing);
        foreach (var name in missing.Missing) Assert.Contains(name, missing.Message);
        Assert.DoesNotContain("checkout:max_items", missing.Message);
    }

    [Fact]
    public void Require_passes_for_values_empty_values_and_sections_with_children_in_any_case()
    {
        var configuration = Configuration();

        configuration.Require("checkout:max_items", "CHECKOUT:Banner", "checkout:limits", "checkout:list", "checkout:list:1", "db", "features:dark_mode");
        configuration.GetSection("checkout").Require("max_items", "limits:rps");
    }

    [Fact]
    public void Require_names_a_missing_setting_asked_twice_once()
    {
        var missing = Assert.Throws<MissingSettingsException>(() => Configuration().Require(["db:user", "DB:USER", "db:user"]));

        Assert.Equal(["db:user"], missing.Missing);
        Assert.Contains("The required setting db:user is missing", missing.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void Require_refuses_an_empty_name(string name) =>
        Assert.Throws<ArgumentException>(() => Configuration().Require("checkout:max_items", name));

    [Fact]
    public void GetRequired_converts_values_as_binding_does()
    {
        var configuration = Configuration();

        Assert.Equal(50, configuration.GetRequired<int>("checkout:max_items"));
        Assert.Equal(50L, configuration.GetRequired<long>("Checkout:Max_Items"));
        Assert.Equal("", configuration.GetRequired<string>("checkout:banner"));
        Assert.Equal(2, configuration.GetRequired<int>("checkout:list:1"));
        Assert.True(configuration.GetRequired<bool>("features:dark_mode"));
        Assert.Equal(TimeSpan.FromSeconds(30), configuration.GetRequired<TimeSpan>("features:timeout"));
        Assert.Equal(1.5, configuration.GetRequired<double>("features:ratio"));
        Assert.Equal(Guid.Parse("6f1c1f0e-8f5a-4c1e-9a53-0d3b7a3c2e11"), configuration.GetRequired<Guid>("features:id"));
        Assert.Equal(new Uri("https://example.test/home"), configuration.GetRequired<Uri>("features:home"));
        Assert.Equal(LogLevel.Warning, configuration.GetRequired<LogLevel>("Logging:LogLevel:Default"));
        Assert.Equal(5432, configuration.GetRequired<int?>("db:port"));
        Assert.Equal(120, configuration.GetSection("checkout:limits").GetRequired<int>("rps"));
    }

    [Theory]
    [InlineData("db:user")]
    [InlineData("checkout:nothing")]
    [InlineData("features:removed")]
    public void GetRequired_of_an_absent_or_null_setting_throws_naming_the_key(string key)
    {
        var missing = Assert.Throws<MissingSettingsException>(() => Configuration().GetRequired<int>(key));

        Assert.Equal([key], missing.Missing);
        Assert.Contains(key, missing.Message);
    }

    [Fact]
    public void GetRequired_of_a_value_that_does_not_convert_names_the_key_and_type_and_never_the_value()
    {
        var failed = Assert.Throws<SettingConversionException>(() => Configuration().GetRequired<int>("db:password"));

        Assert.Equal("db:password", failed.Key);
        Assert.Equal(typeof(int), failed.TargetType);
        Assert.Contains("db:password", failed.Message);
        Assert.Contains("Int32", failed.Message);
        Assert.DoesNotContain(SecretLooking, failed.ToString());
    }

    public static TheoryData<Func<IConfiguration, object?>, string> Unconvertible => new()
    {
        { c => c.GetRequired<bool>("db:password"), "Boolean" },
        { c => c.GetRequired<TimeSpan>("db:password"), "TimeSpan" },
        { c => c.GetRequired<Guid>("db:password"), "Guid" },
        { c => c.GetRequired<LogLevel>("db:password"), "LogLevel" },
        { c => c.GetRequired<double>("db:password"), "Double" },
        { c => c.GetRequired<byte>("db:port"), "Byte" },
        { c => c.GetRequired<int>("checkout:banner"), "Int32" },
        { c => c.GetRequired<int?>("checkout:banner"), "Int32?" },
        { c => c.GetRequired<Version>("db:password"), "Version" },
        { c => c.GetRequired<RequireTests>("db:password"), "RequireTests" },
    };

    [Theory]
    [MemberData(nameof(Unconvertible))]
    public void GetRequired_of_an_unconvertible_value_throws_naming_the_type(Func<IConfiguration, object?> read, string typeName)
    {
        var failed = Assert.Throws<SettingConversionException>(() => read(Configuration()));

        Assert.Contains($"as {typeName}:", failed.Message);
        Assert.Null(failed.InnerException);
        Assert.DoesNotContain(SecretLooking, failed.ToString());
    }

    [Fact]
    public void GetRequired_of_a_section_says_it_is_a_section()
    {
        var failed = Assert.Throws<SettingConversionException>(() => Configuration().GetRequired<int>("checkout:limits"));

        Assert.Equal("checkout:limits", failed.Key);
        Assert.Contains("section", failed.Message);
    }
}
