using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using Strata.Client.Internal;
using Strata.Redis;
using Strata.Tests.Infrastructure;

namespace Strata.Tests.Redis;

/// <summary>The real server (as <c>strata serve</c> builds it) with its Redis bridge on, turned on from
/// configuration, publishing under keys of this test's own.</summary>
internal sealed class BridgedServer : IAsyncDisposable
{
    private BridgedServer(TestServer server, string prefix, SignatureVerifier verifier)
    {
        Server = server;
        Prefix = prefix;
        Verifier = verifier;
    }

    public TestServer Server { get; }
    public string Prefix { get; }
    public SignatureVerifier Verifier { get; }
    public string SnapshotKey => $"{Prefix}:config";
    public string VersionKey => $"{Prefix}:config:version";
    public string Channel => $"{Prefix}:config_channel";
    public RedisBridgeStatus Status => Server.Services.GetRequiredService<RedisBridgeStatus>();

    /// <summary>A server publishing to <paramref name="redis"/> (a configuration string) under a fresh key prefix.</summary>
    public static async Task<BridgedServer> StartAsync(string redis, Action<StrataOptions>? configure = null, bool perNamespace = false,
        string? masterKey = null, TempDirectory? dir = null, string? prefix = null)
    {
        prefix ??= "t" + Guid.NewGuid().ToString("N")[..8];
        var server = await TestServer.StartAsync(configure, dir: dir, masterKey: masterKey, hostArgs:
        [
            $"--Strata:Redis:Configuration={redis}",
            $"--Strata:Redis:SnapshotKey={prefix}:config",
            $"--Strata:Redis:VersionKey={prefix}:config:version",
            $"--Strata:Redis:Channel={prefix}:config_channel",
            $"--Strata:Redis:PerNamespace={perNamespace}",
        ]);
        var verifier = SignatureVerifier.FromBase64(await Strata.Tests.Client.StrataClient.SigningKeyAsync(server.Address));
        return new BridgedServer(server, prefix, verifier);
    }

    /// <summary>Completes once the bridge has published <paramref name="revision"/> or a later one (at once if it has).</summary>
    public Task WaitPublishedAsync(long revision, int seconds = 30)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnPublished(long r)
        {
            if (r >= revision) done.TrySetResult();
        }
        Status.Published += OnPublished;
        if (Status.Read().LastPublished >= revision) done.TrySetResult();
        return done.Task.WaitAsync(TimeSpan.FromSeconds(seconds)).ContinueWith(t =>
        {
            Status.Published -= OnPublished;
            return t;
        }, TaskScheduler.Default).Unwrap();
    }

    /// <summary>Completes once the bridge's connection state is <paramref name="connected"/> (at once if it is).</summary>
    public Task WaitConnectedAsync(bool connected, int seconds = 30)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnChanged(bool c)
        {
            if (c == connected) done.TrySetResult();
        }
        Status.ConnectionChanged += OnChanged;
        if (Status.Read().Connected == connected) done.TrySetResult();
        return done.Task.WaitAsync(TimeSpan.FromSeconds(seconds)).ContinueWith(t =>
        {
            Status.ConnectionChanged -= OnChanged;
            return t;
        }, TaskScheduler.Default).Unwrap();
    }

    public async Task<long> PutAsync(string ns, string key, string json)
    {
        var answer = await Server.PutJsonAsync($"api/v1/settings/{ns}/{key}", $$"""{"value": {{json}}}""");
        Assert.True(answer.IsSuccessStatusCode, await answer.Content.ReadAsStringAsync());
        return (await answer.ReadJsonAsync()).GetProperty("revision").GetInt64();
    }

    /// <summary>The document at <paramref name="key"/>, after checking its signature under the server's key.</summary>
    public async Task<JsonElement> SignedDocumentAsync(IDatabase db, string key)
    {
        byte[]? bytes = await db.StringGetAsync(key);
        Assert.NotNull(bytes);
        Assert.True(Verifier.Verify(bytes), $"{key} is not signed by the server's key");
        return JsonDocument.Parse(bytes).RootElement.Clone();
    }

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}
