using System.Collections;
using System.Net.Http.Json;
using System.Text.Json;
using Strata.Tests.Infrastructure;

namespace Strata.Tests.Api;

/// <summary>Server options come from standard .NET configuration (here: command-line style host arguments).</summary>
public sealed class ServerConfigurationTests
{
    [Fact]
    public async Task The_layer_order_can_be_set_from_configuration()
    {
        await using var server = await TestServer.StartAsync(
            o =>
            {
                o.Define(new SettingDefinition { Namespace = "app", Key = "level", Type = SettingType.String, Default = "warn" });
                o.EnvironmentVariables = new Hashtable { ["STRATA_app__level"] = "info" };
            },
            hostArgs: ["--Strata:LayerOrder:0=Environment", "--Strata:LayerOrder:1=Override", "--Strata:LayerOrder:2=Yaml", "--Strata:LayerOrder:3=Code"]);
        await server.PutJsonAsync("api/v1/settings/app/level", """{"value": "debug"}""");

        var read = await server.Http.GetFromJsonAsync<JsonElement>("api/v1/settings/app/level");

        Assert.Equal(("info", "environment"), (read.GetProperty("value").GetString(), read.GetProperty("source").GetString()));
    }

    [Fact]
    public async Task Limits_and_the_configstore_namespace_can_be_set_from_configuration()
    {
        await using var server = await TestServer.StartAsync(hostArgs: ["--Strata:MaxJsonDepth=3", "--Strata:ConfigStoreNamespace=omega"]);

        await (await server.PutJsonAsync("api/v1/settings/app/deep", """{"value": [[[1]]]}""")).AssertProblemAsync(400);
        await server.PostJsonAsync("config/patch", """{"updates": {"LOG_LEVEL": "debug"}}""");
        var stored = await server.Http.GetFromJsonAsync<JsonElement>("api/v1/settings/omega/LOG_LEVEL");
        Assert.Equal("debug", stored.GetProperty("value").GetString());
    }
}
