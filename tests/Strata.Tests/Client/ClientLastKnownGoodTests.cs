using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Strata.Client;
using Strata.Tests.Infrastructure;

namespace Strata.Tests.Client;

/// <summary>The provider keeps its last-known-good file current and starts from it, read-only and degraded, when the
/// server is down; it refuses a file it cannot trust, and catches up when the server is back.</summary>
public sealed class ClientLastKnownGoodTests : IAsyncLifetime
{
    private const string Secret = "db-pa55word-never-in-the-file";
    private readonly TempDirectory _dir = new();
    private readonly string _key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private readonly CapturedLog _log = new();
    private TestServer _server = null!;
    private TcpRelay _relay = null!;

    private string FilePath => _dir.File("client/config.lkg");

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync(o => o.Define(new SettingDefinition { Namespace = "checkout", Key = "db_password", Type = SettingType.String, Sensitive = true }),
            masterKey: Strata.Security.MasterKey.Generate());
        _relay = TcpRelay.Start(_server.Address);
        await PutAsync("checkout", "max_items", "50");
        await PutAsync("checkout", "db_password", $"\"{Secret}\"");
    }

    public async Task DisposeAsync()
    {
        await _relay.DisposeAsync();
        await _server.DisposeAsync();
        _dir.Dispose();
    }

    private async Task<long> PutAsync(string ns, string key, string json)
    {
        var answer = await _server.PutJsonAsync($"api/v1/settings/{ns}/{key}", $$"""{"value": {{json}}}""");
        Assert.True(answer.IsSuccessStatusCode, await answer.Content.ReadAsStringAsync());
        return (await answer.ReadJsonAsync()).GetProperty("revision").GetInt64();
    }

    /// <summary>A client through the relay; when the relay refuses (the server is down) it gives up after 1 s.</summary>
    private Task<IConfigurationRoot> ClientAsync(Action<StrataClientOptions>? configure = null) =>
        StrataClient.BuildAsync(_server.Address, o =>
        {
            o.LastKnownGoodPath = FilePath;
            o.LastKnownGoodKey = _key;
            if (_relay.Target is null) o.StartupTimeout = TimeSpan.FromSeconds(1);
            o.LoggerFactory = _log.Factory;
            configure?.Invoke(o);
        }, via: _relay.Address);

    /// <summary>Runs a client until its file holds <paramref name="revision"/>, then stops it.</summary>
    private async Task SaveThroughAsync(long revision)
    {
        var config = await ClientAsync();
        var saved = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var store = StrataConfigurationExtensions.FindProvider(config)!.LastKnownGood!;
        store.Saved += r => { if (r >= revision) saved.TrySetResult(); };
        if (config.GetStrataStatus().Revision < revision)
            await new ReloadRecorder(config, "checkout:max_items").WaitForRevisionAsync(revision);
        if (!File.Exists(FilePath) || config.GetStrataStatus().Revision < revision) await saved.Task.WaitAsync(TimeSpan.FromSeconds(30));
        ((IDisposable)config).Dispose();
    }

    [Fact]
    public async Task With_the_server_down_the_client_starts_from_its_file_degraded_then_catches_up_when_it_is_back()
    {
        var saved = await _server.RevisionAsync();
        await SaveThroughAsync(saved);
        _relay.Target = null;
        var missed = await PutAsync("checkout", "max_items", "75");

        var config = await ClientAsync();
        using var _ = (IDisposable)config;
        using var recorder = new ReloadRecorder(config, "checkout:max_items");
        using var services = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(config).AddHealthChecks().AddStrataClient().Services.BuildServiceProvider();
        var health = services.GetRequiredService<HealthCheckService>();

        Assert.Equal("50", config["checkout:max_items"]);
        Assert.Equal(Secret, config["checkout:db_password"]);
        var status = config.GetStrataStatus();
        Assert.Equal((StrataDataSource.LastKnownGood, saved), (status.Source, status.Revision));
        Assert.NotNull(status.LastError);
        Assert.Equal(HealthStatus.Degraded, (await health.CheckHealthAsync()).Status);
        await _log.WaitForAsync(8);

        _relay.Target = _server.Address;
        await recorder.WaitForRevisionAsync(missed, seconds: 60);

        Assert.Equal("75", config["checkout:max_items"]);
        Assert.Equal(StrataDataSource.Server, config.GetStrataStatus().Source);
        Assert.Equal([(missed, "75")], recorder.Reloads);
        Assert.DoesNotContain(Secret, _log.Text);
    }

    [Fact]
    public async Task A_refused_connection_starts_from_the_file_at_once_without_waiting_out_the_start_up_timeout()
    {
        await SaveThroughAsync(await _server.RevisionAsync());
        using var closed = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        closed.Start();
        var nobody = new Uri($"http://127.0.0.1:{((System.Net.IPEndPoint)closed.LocalEndpoint).Port}/");
        closed.Stop();

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var config = await StrataClient.BuildAsync(_server.Address, o =>
        {
            o.LastKnownGoodPath = FilePath;
            o.LastKnownGoodKey = _key;
            o.StartupTimeout = TimeSpan.FromSeconds(30);
            o.LoggerFactory = _log.Factory;
        }, via: nobody);
        using var _ = (IDisposable)config;

        Assert.InRange(clock.ElapsedMilliseconds, 0, 5_000);
        Assert.Equal(StrataDataSource.LastKnownGood, config.GetStrataStatus().Source);
        Assert.Equal("50", config["checkout:max_items"]);
    }

    [Fact]
    public async Task The_file_follows_every_applied_revision_and_never_holds_a_secret_in_clear()
    {
        var config = await ClientAsync();
        using var _ = (IDisposable)config;
        var saved = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var revision = 0L;
        StrataConfigurationExtensions.FindProvider(config)!.LastKnownGood!.Saved += r => { if (r == Volatile.Read(ref revision)) saved.TrySetResult(); };

        Volatile.Write(ref revision, await PutAsync("checkout", "max_items", "61"));
        if (!File.Exists(FilePath) || !File.ReadAllText(FilePath).Contains($"\"revision\":{revision},", StringComparison.Ordinal))
            await saved.Task.WaitAsync(TimeSpan.FromSeconds(30));

        var bytes = await File.ReadAllBytesAsync(FilePath);
        var text = Encoding.UTF8.GetString(bytes);
        Assert.Contains($"\"revision\":{revision},", text);
        Assert.Contains("\"value\":\"61\"", text);
        Assert.Contains("{\"key\":\"checkout:db_password\",\"sensitive\":true,\"sealed\":", text);
        Assert.DoesNotContain(Secret, text);
        Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes(Secret))[..12], text);
    }

    [Fact]
    public async Task A_tampered_file_is_refused_at_start_up_with_the_reason_and_nothing_from_it_is_loaded()
    {
        await SaveThroughAsync(await _server.RevisionAsync());
        var bytes = await File.ReadAllBytesAsync(FilePath);
        var at = Encoding.UTF8.GetString(bytes).IndexOf("\"value\":\"50\"", StringComparison.Ordinal) + 10;
        bytes[at] = (byte)'9';
        await File.WriteAllBytesAsync(FilePath, bytes);
        _relay.Target = null;

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => ClientAsync());

        Assert.Contains($"The last-known-good file {FilePath} was refused as tampered", error.Message);
        Assert.DoesNotContain(Secret, error.Message);
    }

    [Fact]
    public async Task A_file_saved_for_other_namespaces_is_refused_as_foreign()
    {
        await SaveThroughAsync(await _server.RevisionAsync());
        _relay.Target = null;

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => ClientAsync(o => o.Namespaces = ["checkout"]));

        Assert.Contains("refused as foreign", error.Message);
    }

    [Fact]
    public async Task A_file_under_another_key_is_refused()
    {
        await SaveThroughAsync(await _server.RevisionAsync());
        _relay.Target = null;

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            ClientAsync(o => o.LastKnownGoodKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))));

        Assert.Contains("refused as written under another key", error.Message);
    }

    [Fact]
    public async Task With_the_server_down_and_no_file_yet_start_up_fails_saying_so()
    {
        _relay.Target = null;

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => ClientAsync());

        Assert.Contains($"the last-known-good file {FilePath} does not exist yet", error.Message);
    }

    [Fact]
    public void A_last_known_good_path_without_a_usable_key_is_refused_when_added()
    {
        var error = Assert.Throws<ArgumentException>(() => new ConfigurationBuilder().AddStrata(o =>
        {
            o.Server = new Uri("http://strata:5380");
            o.Namespaces = ["checkout"];
            o.SigningKey = Convert.ToBase64String(new byte[32]);
            o.LastKnownGoodPath = FilePath;
            o.LastKnownGoodKey = Convert.ToBase64String(new byte[16]);
        }));

        Assert.Contains("StrataClientOptions.LastKnownGoodKey", error.Message);
    }
}
