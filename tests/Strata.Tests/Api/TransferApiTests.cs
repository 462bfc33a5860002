using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Strata.Tests.Infrastructure;

namespace Strata.Tests.Api;

public sealed class TransferApiTests
{
    private static Action<StrataOptions> Secrets => o => o
        .Define(new SettingDefinition { Namespace = "billing", Key = "api_key", Type = SettingType.String, Sensitive = true })
        .Define(new SettingDefinition { Namespace = "billing", Key = "limit", Type = SettingType.Int, Max = 100 });

    private static async Task SeedAsync(TestServer server)
    {
        await server.Http.PatchAsync("api/v1/settings", JsonContent.Create(new
        {
            changes = new object[]
            {
                new { @namespace = "billing", key = "limit", value = 5 },
                new { @namespace = "billing", key = "api_key", value = "sk-secret" },
                new { @namespace = "prefs", key = "theme", scope = "user:alice", value = "dark" },
                new { @namespace = "prefs", key = "layout", value = new { columns = 3, tags = new[] { "a", "b" } } },
            },
        }));
    }

    [Theory]
    [InlineData("json", "application/json")]
    [InlineData("yaml", "application/yaml")]
    public async Task An_export_imports_into_an_empty_server_with_the_same_values_minus_secrets(string format, string contentType)
    {
        await using var source = await TestServer.StartAsync(Secrets, masterKey: Strata.Security.MasterKey.Generate());
        await SeedAsync(source);
        var document = await source.Http.GetStringAsync($"api/v1/export?format={format}");
        Assert.DoesNotContain("sk-secret", document);
        Assert.Contains("billing/api_key@global", document);

        await using var target = await TestServer.StartAsync(Secrets, masterKey: Strata.Security.MasterKey.Generate());
        var imported = await target.Http.PostAsync("api/v1/import", new StringContent(document, Encoding.UTF8, contentType));
        var result = await imported.ReadJsonAsync();

        Assert.Equal((1, 3), (result.GetProperty("revision").GetInt32(), result.GetProperty("applied").GetArrayLength()));
        var layout = await target.Http.GetFromJsonAsync<JsonElement>("api/v1/settings/prefs/layout");
        Assert.Equal("""{"columns":3,"tags":["a","b"]}""", layout.GetProperty("value").GetRawText());
        var theme = await target.Http.GetFromJsonAsync<JsonElement>("api/v1/settings/prefs/theme?scope=user:alice");
        Assert.Equal("dark", theme.GetProperty("value").GetString());
        Assert.Equal(5, (await target.Http.GetFromJsonAsync<JsonElement>("api/v1/settings/billing/limit")).GetProperty("value").GetInt32());
        await (await target.Http.GetAsync("api/v1/settings/billing/api_key")).AssertProblemAsync(404);
    }

    [Fact]
    public async Task Export_can_be_limited_to_chosen_namespaces()
    {
        await using var server = await TestServer.StartAsync(Secrets, masterKey: Strata.Security.MasterKey.Generate());
        await SeedAsync(server);
        var document = await server.Http.GetFromJsonAsync<JsonElement>("api/v1/export?namespace=prefs");
        Assert.Equal(["prefs"], document.GetProperty("settings").EnumerateObject().Select(p => p.Name));
        Assert.Equal("strata-export/1", document.GetProperty("format").GetString());
    }

    [Fact]
    public async Task Invalid_yaml_is_refused_with_its_position()
    {
        await using var server = await TestServer.StartAsync();
        var response = await server.Http.PostAsync("api/v1/import", new StringContent("settings:\n  app: [unclosed\n", Encoding.UTF8, "application/yaml"));
        var problem = await response.AssertProblemAsync(400);
        Assert.Contains("line", problem.GetProperty("detail").GetString());
        Assert.Equal(0, await server.RevisionAsync());
    }
}
