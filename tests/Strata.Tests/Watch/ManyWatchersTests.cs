using Strata.Tests.Infrastructure;

namespace Strata.Tests.Watch;

public sealed class ManyWatchersTests
{
    [Fact]
    public async Task A_thousand_concurrent_watchers_all_receive_the_same_signed_event()
    {
        const int watchers = 1000;
        await using var server = await TestServer.StartAsync(o => o.RateLimit.PermitsPerSecond = 0);
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = watchers + 10 }) { BaseAddress = server.Address };
        var streams = new List<SseStream>();
        try
        {
            for (var batch = 0; batch < watchers / 100; batch++)
                streams.AddRange(await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => SseStream.OpenAsync(http, "api/v1/watch?ns=fleet"))));
            await Task.WhenAll(streams.Select(s => s.NextAsync("heartbeat", timeoutSeconds: 60)));

            Assert.True((await server.PutJsonAsync("api/v1/settings/fleet/flag", """{"value":true}""")).IsSuccessStatusCode);
            var received = await Task.WhenAll(streams.Select(s => s.NextAsync("change", timeoutSeconds: 60)));

            Assert.Equal(watchers, received.Length);
            Assert.Single(received.Select(r => r.Data).Distinct());
            Assert.All(received, r => Assert.Equal("1", r.EventId));
        }
        finally
        {
            await Task.WhenAll(streams.Select(s => s.DisposeAsync().AsTask()));
        }
    }
}
