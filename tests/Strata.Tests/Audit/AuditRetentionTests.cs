using System.Net.Http.Json;
using System.Text.Json;
using Strata.Tests.Infrastructure;

namespace Strata.Tests.Audit;

/// <summary>An operator prunes old audit events; the prune is itself audited and never deletes its own record.</summary>
public sealed class AuditRetentionTests
{
    private static async Task<List<JsonElement>> AuditAsync(TestServer server) =>
        (await server.Http.GetFromJsonAsync<JsonElement>("api/v1/audit?limit=1000")).GetProperty("audit").EnumerateArray().ToList();

    [Fact]
    public async Task Pruning_deletes_events_before_the_time_and_records_what_it_deleted()
    {
        await using var server = await TestServer.StartAsync();
        for (var i = 0; i < 3; i++) await server.PutJsonAsync($"api/v1/settings/app/k{i}", $$"""{"value": {{i}}}""");
        var cut = DateTimeOffset.FromUnixTimeMilliseconds(server.Engine.Now + 1);
        // Times follow commit order: wait on the clock, not a sleep, so the next event is after the cut.
        while (server.Engine.Now <= cut.ToUnixTimeMilliseconds()) await Task.Yield();
        await server.PutJsonAsync("api/v1/settings/app/after", """{"value": 1}""");

        var answer = await (await server.Http.DeleteAsync($"api/v1/audit?before={Uri.EscapeDataString(cut.ToString("O"))}")).ReadJsonAsync();

        Assert.Equal(3, answer.GetProperty("deleted").GetInt32());
        var left = await AuditAsync(server);
        Assert.Equal(["audit.prune", "setting.set"], left.Select(e => e.GetProperty("action").GetString()));
        Assert.Equal(3, left[0].GetProperty("detail").GetProperty("events").GetInt32());
        Assert.Equal("after", left[1].GetProperty("key").GetString());
    }

    [Fact]
    public async Task Pruning_everything_keeps_the_prune_record_so_audit_ids_never_repeat()
    {
        await using var server = await TestServer.StartAsync();
        await server.PutJsonAsync("api/v1/settings/app/a", """{"value": 1}""");
        var first = (await AuditAsync(server)).Single().GetProperty("id").GetInt64();

        await server.Http.DeleteAsync("api/v1/audit?before=1s");
        await server.Http.DeleteAsync($"api/v1/audit?before={Uri.EscapeDataString(DateTimeOffset.UtcNow.ToString("O"))}");
        await server.PutJsonAsync("api/v1/settings/app/b", """{"value": 2}""");

        var ids = (await AuditAsync(server)).Select(e => e.GetProperty("id").GetInt64()).ToList();
        Assert.All(ids, id => Assert.True(id > first));
        Assert.Equal(ids.Distinct().Count(), ids.Count);
    }

    [Theory]
    [InlineData("")]
    [InlineData("soon")]
    [InlineData("2999-01-01T00:00:00Z")]
    public async Task A_bad_or_future_cut_off_is_refused_and_deletes_nothing(string before)
    {
        await using var server = await TestServer.StartAsync();
        await server.PutJsonAsync("api/v1/settings/app/a", """{"value": 1}""");

        var problem = await (await server.Http.DeleteAsync($"api/v1/audit?before={Uri.EscapeDataString(before)}")).AssertProblemAsync(400);

        Assert.Equal("before", problem.GetProperty("errors")[0].GetProperty("field").GetString());
        Assert.Single(await AuditAsync(server));
    }
}
