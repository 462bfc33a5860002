using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Strata.Tests.Infrastructure;

namespace Strata.Tests.Watch;

/// <summary>The embedded form: StrataSettings.OnChange follows the feed in-process, no HTTP.</summary>
public sealed class InProcessSubscriptionTests
{
    [Fact]
    public async Task OnChange_sees_every_commit_to_its_key_in_order_and_nothing_else_and_stops_when_disposed()
    {
        await using var server = await TestServer.StartAsync();
        var settings = server.Services.GetRequiredService<StrataSettings>();
        var seen = Channel.CreateUnbounded<StrataChange>();
        var subscription = settings.OnChange("shop", "limit", change => seen.Writer.TryWrite(change));

        await server.PutJsonAsync("api/v1/settings/shop/other", """{"value":1}""");
        await server.PutJsonAsync("api/v1/settings/else/limit", """{"value":1}""");
        var expected = new List<long>();
        for (var i = 1; i <= 20; i++)
            expected.Add((await (await server.PutJsonAsync("api/v1/settings/shop/LIMIT", $$"""{"value":{{i}}}""")).ReadJsonAsync()).GetProperty("revision").GetInt64());

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var got = new List<StrataChange>();
        while (got.Count < expected.Count) got.Add(await seen.Reader.ReadAsync(timeout.Token));
        Assert.Equal(expected, got.Select(c => c.Revision));
        // The key keeps the spelling it was first stored with.
        Assert.All(got, c => Assert.Equal(("shop", "LIMIT"), (c.Keys.Single().Namespace, c.Keys.Single().Key)));
        Assert.Equal(20, settings.GetValue<int>("shop", "limit"));

        subscription.Dispose();
        var last = await (await server.PutJsonAsync("api/v1/settings/shop/limit", """{"value":99}""")).ReadJsonAsync();
        // A second subscriber sees that commit; the disposed one never does.
        var witness = Channel.CreateUnbounded<StrataChange>();
        using var _ = settings.OnChange("shop", null, c => witness.Writer.TryWrite(c));
        await server.PutJsonAsync("api/v1/settings/shop/limit", """{"value":100}""");
        await witness.Reader.ReadAsync(timeout.Token);
        Assert.False(seen.Reader.TryRead(out var late), $"revision {late?.Revision} reached a disposed subscription ({last})");
    }

    [Fact]
    public async Task A_subscriber_that_falls_a_whole_buffer_behind_resumes_from_history_and_misses_nothing()
    {
        await using var h = await EngineHarness.StartAsync();
        var settings = new StrataSettings(h.Engine, Microsoft.Extensions.Logging.Abstractions.NullLogger<StrataSettings>.Instance);
        using var release = new ManualResetEventSlim(false);
        var seen = new List<long>();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        const int commits = 1_500;
        using var _ = settings.OnChange("slow", null, change =>
        {
            // Held on the first change until every commit is in: the live buffer (1,024) overflows meanwhile.
            release.Wait(TimeSpan.FromSeconds(60));
            seen.Add(change.Revision);
            if (seen.Count == commits) done.TrySetResult();
        });
        var revisions = new List<long>();
        for (var i = 0; i < commits; i++)
            revisions.Add((await h.Engine.CommitAsync(new Strata.Engine.ChangeSet([new Strata.Engine.Change("slow", $"k{i % 7}", "global", EngineHarness.Json(i))], "test"))).Revision);
        release.Set();

        await done.Task.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(revisions, seen);
    }
}
