using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Strata.Tests.Infrastructure;

namespace Strata.Tests.Cluster;

/// <summary>Three instances on a PostgreSQL of this class's own, stopped and started again under load.</summary>
public sealed class ClusterOutageTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private PostgresServer _postgres = null!;
    private ClusterInstances _cluster = null!;

    public async Task InitializeAsync()
    {
        _postgres = await PostgresServer.StartNewAsync();
        _cluster = await ClusterInstances.StartAsync(_postgres);
    }

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        await _postgres.DisposeAsync();
    }

    /// <summary>Set once each instance has shown what a phase of the test waits for.</summary>
    private static TaskCompletionSource[] PerInstance() =>
        [.. Enumerable.Range(0, 3).Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously))];

    [Fact]
    public async Task While_postgres_is_down_reads_go_on_writes_answer_503_and_afterwards_every_instance_catches_up_by_itself()
    {
        using (var seeded = await _cluster.Admins[0].PutAsJsonAsync("api/v1/settings/outage/seed", new { value = 1 }))
            Assert.Equal(HttpStatusCode.Created, seeded.StatusCode);
        var watchers = await Task.WhenAll(_cluster.Admins.Select(a => Watching.LiveAsync(a, "outage")));
        var acknowledged = new AcknowledgedWrites();
        var wrong = new ConcurrentQueue<string>();
        var down = false;
        var refusedWhileDown = PerInstance();
        var writtenAfterwards = PerInstance();
        var afterwards = new int[3];
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(45));

        async Task Writer(int instance, int writer)
        {
            var key = $"i{instance}w{writer}";
            for (var n = 0; n < 10_000 && !stop.IsCancellationRequested; n++)
            {
                using var response = await _cluster.Admins[instance].PutAsJsonAsync($"api/v1/settings/outage/{key}", new { value = n }, CancellationToken.None);
                if (response.IsSuccessStatusCode)
                {
                    acknowledged.Add(Watching.Revision(response), key, n);
                    if (!Volatile.Read(ref down) && refusedWhileDown[instance].Task.IsCompleted && Interlocked.Increment(ref afterwards[instance]) >= 5)
                        writtenAfterwards[instance].TrySetResult();
                    continue;
                }
                if (response.StatusCode != HttpStatusCode.ServiceUnavailable)
                    wrong.Enqueue($"{key}={n} on instance {instance} answered {(int)response.StatusCode}");
                else if (response.Content.Headers.ContentType?.MediaType != "application/problem+json" || response.Headers.RetryAfter is null)
                    wrong.Enqueue($"{key}={n} on instance {instance}: a 503 without a problem document and Retry-After");
                else if (Volatile.Read(ref down))
                    refusedWhileDown[instance].TrySetResult();
                // A client told to come back later does not hammer the server meanwhile.
                await Task.Delay(20, CancellationToken.None);
            }
        }

        async Task Reader(int instance)
        {
            while (!stop.IsCancellationRequested)
            {
                using var response = await _cluster.Admins[instance].GetAsync("api/v1/settings/outage/seed", CancellationToken.None);
                if (response.StatusCode != HttpStatusCode.OK) wrong.Enqueue($"a read on instance {instance} answered {(int)response.StatusCode}");
                await Task.Delay(10, CancellationToken.None);
            }
        }

        var load = Enumerable.Range(0, 3).SelectMany(i => Enumerable.Range(0, 2).Select(w => Task.Run(() => Writer(i, w))))
            .Concat(Enumerable.Range(0, 3).Select(i => Task.Run(() => Reader(i)))).ToList();
        try
        {
            await Task.WhenAny(acknowledged.Reached(30), Task.WhenAll(load)).WaitAsync(Patience);
            Assert.True(acknowledged.Count >= 30, $"only {acknowledged.Count} writes were acknowledged before the outage: {string.Join("; ", wrong)}");

            await _postgres.StopAsync();
            Volatile.Write(ref down, true);
            await Task.WhenAll(refusedWhileDown.Select(t => t.Task)).WaitAsync(Patience);
            foreach (var server in _cluster.Servers)
            {
                using var anonymous = server.CreateClient();
                using var ready = await anonymous.GetAsync("readyz");
                Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
                var store = (await ready.ReadJsonAsync()).GetProperty("store");
                Assert.Equal(("unhealthy", "Store unreachable."), (store.GetProperty("status").GetString(), store.GetProperty("description").GetString()));
            }

            await _postgres.StartAsync();
            Volatile.Write(ref down, false);
            await Task.WhenAll(writtenAfterwards.Select(t => t.Task)).WaitAsync(Patience);
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(load);
        }
        Assert.Empty(wrong);

        var history = await Watching.HistoryAsync(_cluster.Admins[0], "outage");
        Assert.Equal(await Watching.HeadAsync(_postgres, _cluster.Schema), history[^1].GetProperty("revision").GetInt64());
        var last = acknowledged.AssertInHistory(history.Skip(1).ToList());
        var expected = history.Skip(1).Select(r => r.GetProperty("revision").GetInt64()).ToList();
        foreach (var (watcher, i) in watchers.Select((w, i) => (w, i)))
        {
            // The same streams, opened before the outage: every revision since, once and in order.
            var changes = await Watching.ChangesThroughAsync(watcher, expected[^1]);
            Assert.Equal(expected, changes.Select(c => c.GetProperty("revision").GetInt64()));
            var served = (await _cluster.Admins[i].GetFromJsonAsync<JsonElement>("api/v1/settings/outage")).GetProperty("settings").EnumerateArray()
                .Where(s => s.GetProperty("key").GetString() != "seed")
                .ToDictionary(s => s.GetProperty("key").GetString()!, s => (s.GetProperty("value").GetInt32(), s.GetProperty("version").GetInt64()));
            Assert.Equal(last.OrderBy(k => k.Key), served.OrderBy(k => k.Key));
            using var anonymous = _cluster.Servers[i].CreateClient();
            using var ready = await anonymous.GetAsync("readyz");
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        }

        // Each instance listens again: a write on one reaches the others' watchers by notification.
        using var one = await _cluster.Admins[0].PutAsJsonAsync("api/v1/settings/outage/after", new { value = 1 });
        Assert.Equal(HttpStatusCode.Created, one.StatusCode);
        foreach (var watcher in watchers)
        {
            Assert.Single(await Watching.ChangesThroughAsync(watcher, Watching.Revision(one), Watching.PropagationSeconds));
            await watcher.DisposeAsync();
        }
    }
}
