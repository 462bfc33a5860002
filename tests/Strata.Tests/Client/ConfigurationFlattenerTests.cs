using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;
using Strata.Client.Internal;

namespace Strata.Tests.Client;

/// <summary>A setting's value flattens into exactly the keys and values .NET's JSON configuration provider makes of it.</summary>
public sealed class ConfigurationFlattenerTests
{
    public static TheoryData<string> Values() =>
    [
        "50",
        "-0.5",
        "1.50",
        "1e3",
        "12345678901234567890",
        "true",
        "false",
        "null",
        "\"plain\"",
        "\"\"",
        "\"with \\\"quotes\\\" and \\u00e9 and \\n\"",
        "{}",
        "[]",
        """{"rps": 10, "burst": {"size": 3, "window": "1s"}, "Tags": ["a", "b"]}""",
        """[1, "two", null, true, {"x": 1.0}, [], {}, [[5]]]""",
        """{"Mixed": {"Case": 1}, "empty": {}, "none": null, "list": [{"a": [1, 2]}, {"b": {}}]}""",
    ];

    [Theory]
    [MemberData(nameof(Values))]
    public void A_value_flattens_as_the_json_provider_flattens_it(string json)
    {
        var provider = new JsonStreamConfigurationProvider(new JsonStreamConfigurationSource
        {
            Stream = new MemoryStream(Encoding.UTF8.GetBytes("{\"checkout\": {\"limits\": " + json + "}}")),
        });
        var root = new ConfigurationRoot([provider]);
        // AsEnumerable also lists the sections on the way to a value: keep only what the provider itself holds.
        var expected = root.AsEnumerable()
            .Select(p => (p.Key, Held: provider.TryGet(p.Key, out var v), Value: v))
            .Where(p => p.Held).Select(p => KeyValuePair.Create(p.Key, p.Value))
            .OrderBy(p => p.Key, StringComparer.OrdinalIgnoreCase).ToList();

        var actual = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        using var value = JsonDocument.Parse(json);
        ConfigurationFlattener.Flatten("checkout:limits", value.RootElement, actual);

        Assert.NotEmpty(expected);
        Assert.Equal(expected, actual.OrderBy(p => p.Key, StringComparer.OrdinalIgnoreCase).ToList());
    }

    [Fact]
    public void Keys_are_the_json_path_joined_with_colons_and_array_indexes()
    {
        var into = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        using var value = JsonDocument.Parse("""{"rps": 10, "hosts": ["a", "b"], "on": true, "off": null}""");

        ConfigurationFlattener.Flatten("checkout:limits", value.RootElement, into);

        Assert.Equal("10", into["checkout:limits:rps"]);
        Assert.Equal("b", into["checkout:limits:hosts:1"]);
        Assert.Equal("True", into["checkout:limits:on"]);
        Assert.True(into.ContainsKey("checkout:limits:off"));
    }
}
