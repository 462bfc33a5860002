using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Strata.Security;
using Strata.Tests.Infrastructure;

namespace Strata.Tests.Cluster;

/// <summary>Three real <c>strata serve --postgres</c> processes on one schema, one of them SIGKILLed mid-load.</summary>
public sealed class ClusterCrashTests : IAsyncLifetime
{
    private const string Token = "cluster-crash-admin-token-0123456789abcdef";
    private readonly List<TempDirectory> _dirs = [];
    private readonly List<Process> _processes = [];
    private readonly Dictionary<string, string> _environment = new()
    {
        [SigningKey.Variable] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
        [MasterKey.Variable] = MasterKey.Generate(),
        ["STRATA_ADMIN_TOKEN"] = Token,
    };
    private PostgresServer _postgres = null!;
    private string _schema = "";

    public async Task InitializeAsync()
    {
        _postgres = await PostgresServer.Shared;
        _schema = _postgres.NewSchema();
    }

    public async Task DisposeAsync()
    {
        foreach (var process in _processes)
        {
            if (!process.HasExited) process.Kill();
            await process.WaitForExitAsync();
            process.Dispose();
        }
        foreach (var dir in _dirs) dir.Dispose();
    }

    private async Task<(Process Process, Uri Address, StringBuilder Output)> ServeAsync(string dataDirectory)
    {
        var serving = await StrataProcess.ServeAsync(dataDirectory, _environment,
            "--postgres", _postgres.ConnectionString, $"--Strata:PostgreSql:Schema={_schema}", "--Strata:RateLimit:PermitsPerSecond=0");
        lock (_processes) _processes.Add(serving.Process);
        return serving;
    }

    [Fact]
    public async Task Every_write_acknowledged_before_a_sigkill_of_one_of_three_instances_is_on_the_survivors_and_the_restarted_one_once()
    {
        for (var i = 0; i < 3; i++) _dirs.Add(new TempDirectory());
        var instances = await Task.WhenAll(_dirs.Select(d => ServeAsync(d.Path)));
        var clients = instances.Select(s =>
        {
            var http = OpenApiContractHandler.Client(s.Address, Token);
            http.Timeout = TimeSpan.FromSeconds(10);
            return http;
        }).ToList();
        var acknowledged = new AcknowledgedWrites();
        const int writersPerInstance = 3, writes = 40, killAfter = 100;
        var killed = instances[1].Process;
        var killing = false;
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        async Task Writer(int instance, int writer)
        {
            var key = $"i{instance}w{writer}";
            for (var n = 0; n < writes && !deadline.IsCancellationRequested; n++)
            {
                HttpResponseMessage response;
                try
                {
                    response = await clients[instance].PutAsJsonAsync($"api/v1/settings/crash/{key}", new { value = n }, deadline.Token);
                }
                catch (Exception e) when (instance == 1 && Volatile.Read(ref killing) && e is HttpRequestException or OperationCanceledException)
                {
                    return; // the killed instance: its writes in flight may or may not have committed
                }
                using (response)
                {
                    Assert.True(response.IsSuccessStatusCode, $"{key}={n} on instance {instance} answered {(int)response.StatusCode}");
                    acknowledged.Add(Watching.Revision(response), key, n);
                }
            }
        }

        var load = Enumerable.Range(0, 3).SelectMany(i => Enumerable.Range(0, writersPerInstance).Select(w => Task.Run(() => Writer(i, w)))).ToList();
        // Mid-load: the writers have not finished (they would, on a failure, and then the count below says so).
        await Task.WhenAny(acknowledged.Reached(killAfter), Task.WhenAll(load)).WaitAsync(TimeSpan.FromSeconds(30));
        Volatile.Write(ref killing, true);
        killed.Kill();
        await killed.WaitForExitAsync();
        await Task.WhenAll(load);
        Assert.True(acknowledged.Count >= killAfter, $"only {acknowledged.Count} writes were acknowledged before the kill");

        var restarted = await ServeAsync(_dirs[1].Path);
        clients[1].Dispose();
        clients[1] = OpenApiContractHandler.Client(restarted.Address, Token);
        var head = await Watching.HeadAsync(_postgres, _schema);
        var history = await Watching.HistoryAsync(clients[0], "crash");
        Assert.Equal(head, history[^1].GetProperty("revision").GetInt64());
        var last = acknowledged.AssertInHistory(history);

        var expected = history.Select(r => r.GetProperty("revision").GetInt64()).ToList();
        foreach (var client in clients)
        {
            // Replayed from the store, then live: each instance's watchers get every revision once, in order.
            await using var watch = await SseStream.OpenAsync(client, $"api/v1/watch?ns=crash&since={expected[0] - 1}");
            var changes = await Watching.ChangesThroughAsync(watch, head);
            Assert.Equal(expected, changes.Select(c => c.GetProperty("revision").GetInt64()));
            var served = (await client.GetFromJsonAsync<JsonElement>("api/v1/settings/crash")).GetProperty("settings").EnumerateArray()
                .ToDictionary(s => s.GetProperty("key").GetString()!, s => (s.GetProperty("value").GetInt32(), s.GetProperty("version").GetInt64()));
            Assert.Equal(last.OrderBy(k => k.Key), served.OrderBy(k => k.Key));
        }
        foreach (var client in clients) client.Dispose();
    }
}
