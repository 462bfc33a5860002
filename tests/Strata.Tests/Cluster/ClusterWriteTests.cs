using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Strata.Tests.Infrastructure;

namespace Strata.Tests.Cluster;

/// <summary>Three instances on one PostgreSQL schema: writes from all of them, and writes racing on one key.</summary>
[Collection(ThreeInstancesCollection.Name)]
public sealed class ClusterWriteTests(ThreeInstances instances)
{
    private readonly ClusterInstances _cluster = instances.Cluster;

    [Fact]
    public async Task Concurrent_writes_on_three_instances_reach_every_instance_s_watchers_in_revision_order_and_read_back_everywhere()
    {
        var watchers = await Task.WhenAll(_cluster.Admins.Select(a => Watching.LiveAsync(a, "prop")));
        const int writersPerInstance = 3, writes = 15;
        var acknowledged = new ConcurrentDictionary<long, (string Key, int Value)>();

        await Task.WhenAll(_cluster.Admins.SelectMany((admin, i) => Enumerable.Range(0, writersPerInstance).Select(w => Task.Run(async () =>
        {
            for (var n = 0; n < writes; n++)
            {
                var key = $"i{i}w{w}";
                using var response = await admin.PutAsJsonAsync($"api/v1/settings/prop/{key}", new { value = n });
                Assert.True(response.IsSuccessStatusCode, $"{key}={n} answered {(int)response.StatusCode}");
                Assert.True(acknowledged.TryAdd(Watching.Revision(response), (key, n)), "two writes were acknowledged at one revision");
            }
        }))));

        // One revision per write, none skipped, whichever instance took it.
        var revisions = acknowledged.Keys.Order().ToList();
        Assert.Equal(Enumerable.Range((int)revisions[0], revisions.Count).Select(r => (long)r), revisions);
        foreach (var (watcher, i) in watchers.Select((w, i) => (w, i)))
        {
            var changes = await Watching.ChangesThroughAsync(watcher, revisions[^1]);
            Assert.Equal(revisions, changes.Select(c => c.GetProperty("revision").GetInt64()));
            foreach (var change in changes)
            {
                var entry = change.GetProperty("changes").EnumerateArray().Single();
                var written = acknowledged[change.GetProperty("revision").GetInt64()];
                Assert.Equal(written, (entry.GetProperty("key").GetString()!, entry.GetProperty("value").GetInt32()));
            }
            // What the watcher saw is what the instance serves.
            var settings = await Watching.SettingsAsync(_cluster.Admins[i], "prop");
            Assert.Equal(3 * writersPerInstance, settings.Count);
            Assert.All(settings.Values, v => Assert.Equal(writes - 1, v.GetInt32()));
        }

        // One more write, the others idle: it reaches their watchers by notification, not by the safety poll.
        using var one = await _cluster.Admins[2].PutAsJsonAsync("api/v1/settings/prop/last", new { value = 1 });
        foreach (var watcher in watchers)
        {
            var change = Assert.Single(await Watching.ChangesThroughAsync(watcher, Watching.Revision(one), Watching.PropagationSeconds));
            Assert.Equal(Watching.Revision(one), change.GetProperty("revision").GetInt64());
            await watcher.DisposeAsync();
        }
    }

    [Fact]
    public async Task The_same_If_Match_sent_to_several_instances_at_once_succeeds_on_exactly_one_and_all_end_at_the_same_version()
    {
        long first;
        using (var created = await _cluster.Admins[0].PutAsJsonAsync("api/v1/settings/race/k", new { value = -1 }))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            first = Watching.Revision(created);
        }
        // A watcher on an instance that has not followed the first write yet gets it live too: only the races count.
        var watchers = await Task.WhenAll(_cluster.Admins.Select(a => Watching.LiveAsync(a, "race")));
        const int rounds = 30;
        var winners = new List<long>();

        for (var round = 0; round < rounds; round++)
        {
            // Every other round all three race; in between a pair, a different one each time.
            var contenders = round % 2 == 0 ? [0, 1, 2] : new[] { round % 3, (round + 1) % 3 };
            var version = round + 1;
            var answers = await Task.WhenAll(contenders.Select(i => Task.Run(async () =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Put, "api/v1/settings/race/k") { Content = JsonContent.Create(new { value = round * 10 + i }) };
                request.Headers.IfMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue($"\"{version}\""));
                var response = await _cluster.Admins[i].SendAsync(request);
                var body = await response.Content.ReadAsStringAsync();
                return (response.StatusCode, Revision: response.IsSuccessStatusCode ? Watching.Revision(response) : 0, Body: body);
            })));

            Assert.Single(answers, a => a.StatusCode == HttpStatusCode.OK);
            Assert.All(answers.Where(a => a.StatusCode != HttpStatusCode.OK), a =>
            {
                Assert.Equal(HttpStatusCode.PreconditionFailed, a.StatusCode);
                Assert.Equal(version + 1, JsonDocument.Parse(a.Body).RootElement.GetProperty("currentVersion").GetInt64());
            });
            winners.Add(answers.Single(a => a.StatusCode == HttpStatusCode.OK).Revision);
        }

        foreach (var (watcher, i) in watchers.Select((w, i) => (w, i)))
        {
            var changes = await Watching.ChangesThroughAsync(watcher, winners[^1]);
            Assert.Equal(winners, changes.Select(c => c.GetProperty("revision").GetInt64()).Where(r => r > first));
            using var read = await _cluster.Admins[i].GetAsync("api/v1/settings/race/k");
            Assert.Equal($"\"{rounds + 1}\"", read.Headers.ETag?.Tag);
            Assert.Equal(winners[^1], (await _cluster.Admins[i].GetFromJsonAsync<JsonElement>("api/v1/revision")).GetProperty("revision").GetInt64());
            await watcher.DisposeAsync();
        }
    }
}
