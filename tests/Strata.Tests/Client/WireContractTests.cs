using System.Net.ServerSentEvents;
using System.Text.Json;
using Strata.Client.Contracts;
using Strata.Client.Internal;
using Strata.Tests.Infrastructure;

namespace Strata.Tests.Client;

/// <summary>The client's contract records read what the real server sends, and what it sends verifies under its served key.</summary>
public sealed class WireContractTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync(o => o.Watch.HeartbeatSeconds = 1);
        await _server.PutJsonAsync("api/v1/settings/checkout/limits", """{"value": {"rps": 10}}""");
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<SignatureVerifier> VerifierAsync()
    {
        var key = JsonSerializer.Deserialize(await _server.Http.GetByteArrayAsync("api/v1/signing-key"), ClientJsonContext.Default.SigningKeyDocument)!;
        Assert.Equal("Ed25519", key.Algorithm);
        Assert.Matches("^[0-9a-f]{16}$", key.KeyId);
        return SignatureVerifier.FromBase64(key.PublicKey);
    }

    [Fact]
    public async Task The_served_snapshot_verifies_and_reads_as_a_snapshot_document()
    {
        var verifier = await VerifierAsync();
        var bytes = await _server.Http.GetByteArrayAsync("api/v1/snapshot?ns=checkout");

        Assert.True(verifier.Verify(bytes));
        var snapshot = JsonSerializer.Deserialize(bytes, ClientJsonContext.Default.SnapshotDocument)!;
        Assert.Equal(await _server.RevisionAsync(), snapshot.Revision);
        Assert.Equal(["checkout"], snapshot.Namespaces);
        var limits = Assert.Single(snapshot.Settings);
        Assert.Equal(("checkout", "limits", "override", "global", 1L), (limits.Namespace, limits.Key, limits.Source, limits.Scope, limits.Version));
        Assert.Equal(10, limits.Value.GetProperty("rps").GetInt32());
    }

    [Fact]
    public async Task Served_watch_events_verify_and_read_as_their_documents()
    {
        var verifier = await VerifierAsync();
        using var http = _server.CreateUncheckedClient();
        using var response = await http.GetAsync("api/v1/watch?ns=checkout&since=0", HttpCompletionOption.ResponseHeadersRead);
        await using var stream = await response.Content.ReadAsStreamAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var seen = new List<string>();
        await foreach (var item in SseParser.Create(stream, (type, data) => (Type: type, Verified: verifier.Verify(data), Data: data.ToArray())).EnumerateAsync(timeout.Token))
        {
            Assert.True(item.Data.Verified, item.Data.Type);
            seen.Add(item.Data.Type);
            if (item.Data.Type == "change")
            {
                var change = JsonSerializer.Deserialize(item.Data.Data, ClientJsonContext.Default.ChangeEvent)!;
                Assert.Equal(item.EventId, change.Revision.ToString(System.Globalization.CultureInfo.InvariantCulture));
                var entry = Assert.Single(change.Changes);
                Assert.Equal(("checkout", "limits", 10), (entry.Namespace, entry.Key, entry.Value.GetProperty("rps").GetInt32()));
            }
            if (item.Data.Type == "heartbeat")
            {
                var heartbeat = JsonSerializer.Deserialize(item.Data.Data, ClientJsonContext.Default.HeartbeatEvent)!;
                Assert.Equal(await _server.RevisionAsync(), heartbeat.Revision);
                break;
            }
        }
        Assert.Equal(["change", "heartbeat"], seen);
    }

    [Fact]
    public async Task The_served_consumer_listing_reads_as_a_consumer_listing()
    {
        using var http = _server.CreateUncheckedClient();
        using var watch = new HttpRequestMessage(HttpMethod.Get, "api/v1/watch?ns=checkout");
        watch.Headers.Add("Strata-Consumer-Instance", "contract-1");
        watch.Headers.Add("Strata-Consumer-Application", "contracts");
        using var open = await http.SendAsync(watch, HttpCompletionOption.ResponseHeadersRead);
        var report = JsonSerializer.SerializeToUtf8Bytes(new ConsumerReport(1), ClientJsonContext.Default.ConsumerReport);
        using var body = new ByteArrayContent(report) { Headers = { ContentType = new("application/json") } };
        Assert.Equal(System.Net.HttpStatusCode.NoContent, (await _server.Http.PutAsync("api/v1/consumers/contract-1", body)).StatusCode);

        var listing = JsonSerializer.Deserialize(await _server.Http.GetByteArrayAsync("api/v1/consumers"), ClientJsonContext.Default.ConsumerListing)!;

        var consumer = Assert.Single(listing.Consumers);
        Assert.Equal(("contract-1", "contracts", 1L), (consumer.Instance, consumer.Application, consumer.AppliedRevision));
        Assert.Equal(["checkout"], consumer.Namespaces);
        Assert.False(consumer.Behind);
        Assert.True(consumer.LastSeen >= consumer.ConnectedSince);
    }
}
