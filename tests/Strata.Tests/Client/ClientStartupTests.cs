using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using NSec.Cryptography;
using Strata.Client;
using Strata.Tests.Infrastructure;

namespace Strata.Tests.Client;

/// <summary>Start-up: fails clearly when the client cannot serve trusted values, never silently empty.</summary>
public sealed class ClientStartupTests
{
    private const string AdminToken = "client-startup-admin-0123456789abcdef";

    [Fact]
    public async Task A_watcher_without_read_permission_gets_403_and_the_client_fails_start_up_naming_the_namespace()
    {
        await using var server = await TestServer.StartAsync(o => o.EnvironmentVariables!["STRATA_ADMIN_TOKEN"] = AdminToken, anonymousGrants: []);
        using var admin = server.CreateClient(AdminToken);
        var created = await (await admin.PostAsync("api/v1/tokens", JsonContent.Create(new { name = "reader", grants = new[] { "config.read:checkout" } }))).ReadJsonAsync();
        var token = created.GetProperty("token").GetString()!;

        using var watcher = server.CreateUncheckedClient();
        watcher.DefaultRequestHeaders.Authorization = new("Bearer", token);
        using var watch = await watcher.GetAsync("api/v1/watch?ns=checkout,features", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.Forbidden, watch.StatusCode);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => StrataClient.BuildAsync(server.Address, o => o.Token = token));
        Assert.Contains("403", error.Message);
        Assert.Contains("features", error.Message);
        Assert.Contains("config.read", error.Message);
        Assert.DoesNotContain(token, error.Message);
    }

    [Fact]
    public async Task An_unknown_token_fails_start_up_with_401_at_once_rather_than_waiting_out_the_timeout()
    {
        await using var server = await TestServer.StartAsync(o => o.EnvironmentVariables!["STRATA_ADMIN_TOKEN"] = AdminToken, anonymousGrants: []);

        var started = DateTime.UtcNow;
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            StrataClient.BuildAsync(server.Address, o => { o.Token = "not-a-token-0123456789abcdef"; o.StartupTimeout = TimeSpan.FromMinutes(5); }));

        Assert.Contains("401", error.Message);
        Assert.Contains("StrataClientOptions.Token", error.Message);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromMinutes(1));
    }

    [Fact]
    public async Task An_unreachable_server_without_last_known_good_fails_start_up_saying_what_to_do()
    {
        var closed = ClosedPort();
        var key = Convert.ToBase64String(Key.Create(SignatureAlgorithm.Ed25519).PublicKey.Export(KeyBlobFormat.RawPublicKey));
        var builder = new ConfigurationBuilder().AddStrata(o =>
        {
            o.Server = new Uri($"http://127.0.0.1:{closed}");
            o.Namespaces = ["checkout"];
            o.SigningKey = key;
            o.StartupTimeout = TimeSpan.FromSeconds(1);
        });

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Task.Run(builder.Build));

        Assert.Contains($"127.0.0.1:{closed}", error.Message);
        Assert.Contains("LastKnownGoodPath", error.Message);
        Assert.Contains("Optional = true", error.Message);
    }

    [Fact]
    public async Task A_snapshot_signed_by_another_key_is_never_applied_and_start_up_fails()
    {
        await using var server = await TestServer.StartAsync();
        await server.PutJsonAsync("api/v1/settings/checkout/max_items", """{"value": 5}""");
        var foreign = Convert.ToBase64String(Key.Create(SignatureAlgorithm.Ed25519).PublicKey.Export(KeyBlobFormat.RawPublicKey));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            StrataClient.BuildAsync(server.Address, o => { o.SigningKey = foreign; o.StartupTimeout = TimeSpan.FromSeconds(1); }));

        Assert.Contains("signature does not verify", error.Message);
    }

    [Fact]
    public async Task An_optional_client_starts_empty_and_unhealthy_then_loads_when_the_server_answers()
    {
        await using var server = await TestServer.StartAsync();
        var put = await server.PutJsonAsync("api/v1/settings/checkout/max_items", """{"value": 9}""");
        var revision = (await put.ReadJsonAsync()).GetProperty("revision").GetInt64();
        await using var relay = TcpRelay.Start((Uri?)null);
        var config = await StrataClient.BuildAsync(server.Address, o => { o.Optional = true; o.StartupTimeout = TimeSpan.FromSeconds(1); }, via: relay.Address);
        using var _ = (IDisposable)config;
        using var recorder = new ReloadRecorder(config, "checkout:max_items");
        using var services = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(config).AddHealthChecks().AddStrataClient().Services.BuildServiceProvider();
        var health = services.GetRequiredService<HealthCheckService>();

        Assert.Null(config["checkout:max_items"]);
        Assert.Equal(StrataDataSource.None, config.GetStrataStatus().Source);
        Assert.Equal(HealthStatus.Unhealthy, (await health.CheckHealthAsync()).Status);

        relay.Target = server.Address;
        await recorder.WaitForRevisionAsync(revision);

        Assert.Equal("9", config["checkout:max_items"]);
        Assert.Equal(StrataDataSource.Server, config.GetStrataStatus().Source);
    }

    [Theory]
    [InlineData(null, "checkout", "Server")]
    [InlineData("ftp://strata", "checkout", "Server")]
    [InlineData("http://strata:5380", null, "Namespaces")]
    [InlineData("http://strata:5380", "checkout", "SigningKey")]
    public void Incomplete_options_are_refused_when_added_naming_the_option(string? server, string? ns, string option)
    {
        var error = Assert.Throws<ArgumentException>(() => new ConfigurationBuilder().AddStrata(o =>
        {
            o.Server = server is null ? null : new Uri(server);
            o.Namespaces = ns is null ? [] : [ns];
            if (option != "SigningKey") o.SigningKey = Convert.ToBase64String(new byte[32]);
        }));
        Assert.Contains("StrataClientOptions." + option, error.Message);
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
