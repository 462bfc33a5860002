using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Strata.Security;
using Strata.Tests.Infrastructure;

namespace Strata.Tests.Api;

/// <summary>An import or rollback that sets a key to the value it already has changes nothing for that key; a PUT always counts.</summary>
public sealed class UnchangedValuesTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync(o => o.Define(new SettingDefinition { Namespace = "shop", Key = "token", Type = SettingType.String, Sensitive = true }),
            masterKey: MasterKey.Generate());
        await _server.PutJsonAsync("api/v1/settings/shop/max_items", """{"value": 50}""");
        await _server.PutJsonAsync("api/v1/settings/shop/currency?scope=user:alice", """{"value": "EUR"}""");
        await _server.PutJsonAsync("api/v1/settings/shop/layout", """{"value": {"columns": 3, "dense": true}}""");
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<int> HistoryCountAsync() =>
        (await _server.Http.GetFromJsonAsync<JsonElement>("api/v1/settings/shop/_history")).GetProperty("history").GetArrayLength();

    [Theory]
    [InlineData("json")]
    [InlineData("yaml")]
    public async Task Re_importing_an_identical_export_changes_nothing(string format)
    {
        var export = await _server.Http.GetStringAsync($"api/v1/export?format={format}");
        var (revision, history) = (await _server.RevisionAsync(), await HistoryCountAsync());

        var answer = await _server.Http.PostAsync("api/v1/import", new StringContent(export, Encoding.UTF8, $"application/{format}"));

        var result = await answer.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal(0, result.GetProperty("applied").GetArrayLength());
        Assert.Equal(revision, result.GetProperty("revision").GetInt64());
        Assert.Equal((revision, history), (await _server.RevisionAsync(), await HistoryCountAsync()));
        Assert.Equal(1, (await _server.Http.GetFromJsonAsync<JsonElement>("api/v1/settings/shop/max_items")).GetProperty("version").GetInt32());
    }

    [Theory]
    [InlineData("json")]
    [InlineData("yaml")]
    public async Task Whatever_a_put_accepts_survives_an_export_and_import_unchanged(string format)
    {
        var deepest = new string('[', 31) + new string(']', 31);
        await _server.PutJsonAsync("api/v1/settings/shop/numbers", """{"value": [1.50, 1E2, 12345678901234567890123, -0, 0.1e-5, 1e309]}""");
        Assert.Equal(HttpStatusCode.Created, (await _server.PutJsonAsync("api/v1/settings/shop/deep", $$"""{"value": {{deepest}}}""")).StatusCode);
        var export = await _server.Http.GetStringAsync($"api/v1/export?format={format}");
        var revision = await _server.RevisionAsync();

        var answer = await _server.Http.PostAsync("api/v1/import", new StringContent(export, Encoding.UTF8, $"application/{format}"));

        Assert.Equal(0, (await answer.ReadJsonAsync()).GetProperty("applied").GetArrayLength());
        Assert.Equal(revision, await _server.RevisionAsync());
        Assert.Equal("[1.50,1E2,12345678901234567890123,-0,0.1e-5,1e309]",
            (await _server.Http.GetFromJsonAsync<JsonElement>("api/v1/settings/shop/numbers")).GetProperty("value").GetRawText());
    }

    [Fact]
    public async Task An_import_applies_only_the_keys_whose_value_differs()
    {
        var body = """{"settings": {"shop": {"global": {"max_items": 50, "layout": {"columns": 4, "dense": true}}, "user:alice": {"currency": "EUR"}}}}""";

        var result = await (await _server.PostJsonAsync("api/v1/import", body)).ReadJsonAsync();

        Assert.Equal(["layout"], result.GetProperty("applied").EnumerateArray().Select(a => a.GetProperty("key").GetString()));
        Assert.Equal(1, (await _server.Http.GetFromJsonAsync<JsonElement>("api/v1/settings/shop/max_items")).GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task A_rollback_to_the_current_value_changes_nothing()
    {
        await _server.PutJsonAsync("api/v1/settings/shop/max_items", """{"value": 60}""");
        await _server.PutJsonAsync("api/v1/settings/shop/max_items", """{"value": 50}""");
        var revision = await _server.RevisionAsync();

        var result = await (await _server.PostJsonAsync("api/v1/settings/shop/max_items/rollback", """{"version": 1}""")).ReadJsonAsync();

        Assert.Equal(0, result.GetProperty("applied").GetArrayLength());
        Assert.Equal(revision, await _server.RevisionAsync());
        Assert.Equal(3, (await _server.Http.GetFromJsonAsync<JsonElement>("api/v1/settings/shop/max_items")).GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task An_identical_put_is_still_a_new_version_as_seed_001_counts_every_update()
    {
        var again = await (await _server.PutJsonAsync("api/v1/settings/shop/max_items", """{"value": 50}""")).ReadJsonAsync();

        Assert.Equal(2, again.GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task A_sensitive_value_is_never_compared_so_re_importing_it_is_a_change()
    {
        await _server.PutJsonAsync("api/v1/settings/shop/token", """{"value": "s3cret"}""");

        var result = await (await _server.PostJsonAsync("api/v1/import", """{"settings": {"shop": {"global": {"token": "s3cret"}}}}""")).ReadJsonAsync();

        Assert.Equal("token", Assert.Single(result.GetProperty("applied").EnumerateArray()).GetProperty("key").GetString());
    }
}
