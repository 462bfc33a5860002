using System.Net.Http.Json;
using System.Text.Json;
using Strata.Security;
using Strata.Tests.Infrastructure;

namespace Strata.Tests.Api;

/// <summary>Masking never changes the shape of <c>GET /config</c>: secrets keep their key, and which keys are masked is said beside the map.</summary>
public sealed class ConfigSnapshotShapeTests
{
    [Fact]
    public async Task Masked_keys_are_listed_outside_the_map_and_never_shadow_a_real_setting()
    {
        await using var server = await TestServer.StartAsync(o => o
            .Define(new SettingDefinition { Namespace = "app", Key = "db_password", Type = SettingType.String, Sensitive = true })
            .Define(new SettingDefinition { Namespace = "billing", Key = "api_key", Type = SettingType.String, Sensitive = true }),
            masterKey: MasterKey.Generate());
        await server.PutJsonAsync("api/v1/settings/app/db_password", """{"value": "hunter2"}""");
        await server.PutJsonAsync("api/v1/settings/billing/api_key", """{"value": "sk-live"}""");
        await server.PutJsonAsync("api/v1/settings/app/masked", """{"value": "a real setting"}""");

        var text = await server.Http.GetStringAsync("config");
        var snapshot = JsonSerializer.Deserialize<JsonElement>(text);

        var config = snapshot.GetProperty("config");
        var names = config.EnumerateObject().Select(p => p.Name).ToList();
        Assert.Equal(names.Distinct().Count(), names.Count);
        Assert.Equal(["db_password", "masked", "billing/api_key"], names);
        Assert.Equal("a real setting", config.GetProperty("masked").GetString());
        Assert.Equal("********", config.GetProperty("db_password").GetString());
        Assert.Equal(["db_password", "billing/api_key"], snapshot.GetProperty("masked").EnumerateArray().Select(e => e.GetString()));
        Assert.DoesNotContain("hunter2", text);
        Assert.DoesNotContain("sk-live", text);
    }
}
