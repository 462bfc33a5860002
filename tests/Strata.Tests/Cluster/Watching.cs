using System.Net.Http.Json;
using System.Text.Json;
using Strata.Tests.Infrastructure;

namespace Strata.Tests.Cluster;

/// <summary>Waiting on what an instance's watchers see, rather than polling it.</summary>
internal static class Watching
{
    /// <summary>A watch of <paramref name="ns"/> on one instance, read once it is live (its first heartbeat).</summary>
    public static async Task<SseStream> LiveAsync(HttpClient client, string ns)
    {
        var stream = await SseStream.OpenAsync(client, $"api/v1/watch?ns={ns}");
        await stream.NextAsync("heartbeat");
        return stream;
    }

    /// <summary>The change events of a stream up to and including <paramref name="revision"/>, in the order received; fails after the timeout.</summary>
    public static async Task<List<JsonElement>> ChangesThroughAsync(SseStream stream, long revision, int timeoutSeconds = 15)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        var changes = new List<JsonElement>();
        while (changes.Count == 0 || changes[^1].GetProperty("revision").GetInt64() < revision)
        {
            var remaining = (int)Math.Ceiling((deadline - DateTime.UtcNow).TotalSeconds);
            if (remaining <= 0) throw new TimeoutException($"The stream reached revision {(changes.Count == 0 ? "none" : changes[^1].GetProperty("revision").GetInt64())}, not {revision}, within {timeoutSeconds} s.");
            var item = await stream.NextAsync("change", remaining);
            changes.Add(JsonDocument.Parse(item.Data).RootElement.Clone());
        }
        return changes;
    }

    /// <summary>
    /// How long a commit may take to reach another instance's watcher when nothing else is going on: under the 5 s
    /// poll that catches lost notifications, so only LISTEN/NOTIFY meets it.
    /// </summary>
    public const int PropagationSeconds = 4;

    /// <summary>The revision a write was committed at, from its <c>Strata-Revision</c> header.</summary>
    public static long Revision(HttpResponseMessage response) => long.Parse(response.Headers.GetValues("Strata-Revision").Single(), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Each key of a namespace with its value, as one instance reads it.</summary>
    public static async Task<Dictionary<string, JsonElement>> SettingsAsync(HttpClient client, string ns) =>
        (await client.GetFromJsonAsync<JsonElement>($"api/v1/settings/{ns}")).GetProperty("settings").EnumerateArray()
            .ToDictionary(s => s.GetProperty("key").GetString()!, s => s.GetProperty("value").Clone());

    /// <summary>Every history record of a namespace, oldest first, paged through as a client would.</summary>
    public static async Task<List<JsonElement>> HistoryAsync(HttpClient client, string ns)
    {
        var records = new List<JsonElement>();
        long? before = null;
        for (var page = 0; page < 100; page++)
        {
            var body = await client.GetFromJsonAsync<JsonElement>($"api/v1/settings/{ns}/_history?limit=1000{(before is { } b ? $"&before={b}" : "")}");
            records.AddRange(body.GetProperty("history").EnumerateArray().Select(r => r.Clone()));
            if (!body.TryGetProperty("nextBefore", out var next)) break;
            before = next.GetInt64();
        }
        records.Reverse();
        return records;
    }

    /// <summary>The last committed revision of a schema, read from PostgreSQL itself.</summary>
    public static async Task<long> HeadAsync(PostgresServer postgres, string schema)
    {
        await using var connection = await postgres.ConnectAsync();
        await using var command = new Npgsql.NpgsqlCommand($"SELECT revision FROM \"{schema}\".head", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
