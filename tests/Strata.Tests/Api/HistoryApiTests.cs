using System.Net.Http.Json;
using System.Text.Json;
using Strata.Tests.Infrastructure;

namespace Strata.Tests.Api;

public sealed class HistoryApiTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private HttpClient Http => _server.Http;

    private Task<HttpResponseMessage> Put(string ns, string key, string json, string? scope = null) =>
        _server.PutJsonAsync($"api/v1/settings/{ns}/{key}{(scope is null ? "" : $"?scope={scope}")}", $"{{\"value\": {json}}}");

    [Fact]
    public async Task Key_history_lists_old_and_new_values_actor_and_comment_newest_first_with_paging()
    {
        await _server.PutJsonAsync("api/v1/settings/app/level", """{"value": "info", "comment": "first"}""");
        await Put("app", "level", "\"debug\"");
        await Put("app", "level", "\"warn\"");

        var page = await Http.GetFromJsonAsync<JsonElement>("api/v1/settings/app/level/history?limit=2");
        var items = page.GetProperty("history").EnumerateArray().ToList();
        Assert.Equal([3, 2], items.Select(h => h.GetProperty("version").GetInt32()));
        Assert.Equal(("\"debug\"", "\"warn\"", "anonymous"), (items[0].GetProperty("oldValue").GetRawText(), items[0].GetProperty("newValue").GetRawText(), items[0].GetProperty("actor").GetString()));

        var older = await Http.GetFromJsonAsync<JsonElement>($"api/v1/settings/app/level/history?before={page.GetProperty("nextBefore").GetInt64()}");
        var first = older.GetProperty("history").EnumerateArray().Single();
        Assert.Equal(("create", "first"), (first.GetProperty("change").GetString(), first.GetProperty("comment").GetString()));
    }

    [Fact]
    public async Task Rolling_a_key_back_to_a_version_is_a_new_revision_with_that_value()
    {
        await Put("app", "level", "\"info\"");
        await Put("app", "level", "\"debug\"");

        var rollback = await _server.PostJsonAsync("api/v1/settings/app/level/rollback", """{"version": 1}""");

        Assert.Equal(3, (await rollback.ReadJsonAsync()).GetProperty("revision").GetInt32());
        var now = await Http.GetFromJsonAsync<JsonElement>("api/v1/settings/app/level");
        Assert.Equal(("info", 3), (now.GetProperty("value").GetString(), now.GetProperty("version").GetInt32()));
        var history = await Http.GetFromJsonAsync<JsonElement>("api/v1/settings/app/level/history?limit=1");
        Assert.Equal("rollback to version 1", history.GetProperty("history")[0].GetProperty("comment").GetString());
        await (await _server.PostJsonAsync("api/v1/settings/app/level/rollback", """{"version": 9}""")).AssertProblemAsync(404);
    }

    [Fact]
    public async Task Rolling_a_namespace_back_restores_changed_added_and_removed_keys_in_one_revision()
    {
        await Put("app", "a", "1");
        await Put("app", "b", "1");
        var mark = await _server.RevisionAsync();
        await Put("app", "a", "2");
        await Put("app", "c", "3");
        await Http.DeleteAsync("api/v1/settings/app/b");
        await Put("other", "x", "1");

        var result = await (await _server.PostJsonAsync("api/v1/settings/app/_rollback", $$"""{"revision": {{mark}}}""")).ReadJsonAsync();

        Assert.Equal(3, result.GetProperty("applied").GetArrayLength());
        var app = await Http.GetFromJsonAsync<JsonElement>("api/v1/settings/app");
        Assert.Equal(["a=1", "b=1"], app.GetProperty("settings").EnumerateArray().Select(s => $"{s.GetProperty("key").GetString()}={s.GetProperty("value").GetRawText()}"));
        Assert.Equal(1, (await Http.GetFromJsonAsync<JsonElement>("api/v1/settings/other/x")).GetProperty("value").GetInt32());
    }

    [Fact]
    public async Task Reads_as_of_a_past_revision_or_time_see_the_state_then()
    {
        await Put("app", "a", "1");
        await Put("app", "b", "1");
        var between = DateTimeOffset.UtcNow;
        while (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() == between.ToUnixTimeMilliseconds()) await Task.Yield();
        await Put("app", "a", "2");

        var key = await Http.GetFromJsonAsync<JsonElement>("api/v1/settings/app/a?asOf=1");
        Assert.Equal(1, key.GetProperty("value").GetInt32());
        var ns = await Http.GetFromJsonAsync<JsonElement>("api/v1/settings/app?asOf=1");
        Assert.Equal((1, 1), (ns.GetProperty("revision").GetInt32(), ns.GetProperty("settings").GetArrayLength()));
        var atTime = await Http.GetFromJsonAsync<JsonElement>($"api/v1/settings/app/a?at={Uri.EscapeDataString(between.ToString("O"))}");
        Assert.Equal(1, atTime.GetProperty("value").GetInt32());
        Assert.Equal(2, (await Http.GetFromJsonAsync<JsonElement>("api/v1/settings/app/a")).GetProperty("value").GetInt32());
        await (await Http.GetAsync("api/v1/settings/app/a?asOf=0")).AssertProblemAsync(404);
    }

    [Fact]
    public async Task Diff_lists_what_changed_between_two_revisions()
    {
        await Put("app", "a", "1");
        await Put("app", "b", "1");
        await Put("app", "a", "2");
        await Put("app", "c", "3");
        await Http.DeleteAsync("api/v1/settings/app/b");

        var diff = await Http.GetFromJsonAsync<JsonElement>("api/v1/settings/app/_diff?from=2");

        Assert.Equal(["a:changed", "b:removed", "c:added"],
            diff.GetProperty("changes").EnumerateArray().Select(c => $"{c.GetProperty("key").GetString()}:{c.GetProperty("change").GetString()}"));
    }

    [Fact]
    public async Task The_current_revision_is_served_and_grows_by_one_per_commit()
    {
        Assert.Equal(0, await _server.RevisionAsync());
        await Put("app", "a", "1");
        await Put("app", "a", "2", scope: "user:z");
        Assert.Equal(2, await _server.RevisionAsync());
    }
}
