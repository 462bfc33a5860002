using System.Net.Http.Json;
using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Strata.Client;
using Strata.Tests.Infrastructure;

namespace Strata.Tests.Client;

/// <summary>The client behaves as a built-in configuration provider in every way a consumer relies on.</summary>
public sealed class ClientConfigurationTests : IAsyncLifetime
{
    private TestServer _server = null!;
    private IConfigurationRoot _config = null!;

    public sealed class LimitsOptions
    {
        public int Rps { get; set; }
        public List<string> Hosts { get; set; } = [];
        public BurstOptions Burst { get; set; } = new();
    }

    public sealed class BurstOptions
    {
        public int Size { get; set; }
        public TimeSpan Window { get; set; }
    }

    public sealed class CheckoutOptions
    {
        [ConfigurationKeyName("max_items")]
        public int MaxItems { get; set; }
        public LimitsOptions Limits { get; set; } = new();
    }

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync();
        await PutAsync("checkout", "max_items", "50");
        await PutAsync("checkout", "limits", """{"rps": 10, "hosts": ["a", "b"], "burst": {"size": 3, "window": "00:00:01"}, "empty": {}, "none": null}""");
        await PutAsync("checkout", "banner", "\"Welcome\"");
        await PutAsync("features", "dark_mode", "true");
        await PutAsync("unwatched", "other", "1");
        _config = await StrataClient.BuildAsync(_server.Address);
    }

    public async Task DisposeAsync()
    {
        (_config as IDisposable)?.Dispose();
        await _server.DisposeAsync();
    }

    private async Task<long> PutAsync(string ns, string key, string json)
    {
        var answer = await _server.PutJsonAsync($"api/v1/settings/{ns}/{key}", $$"""{"value": {{json}}}""");
        Assert.True(answer.IsSuccessStatusCode, await answer.Content.ReadAsStringAsync());
        return (await answer.ReadJsonAsync()).GetProperty("revision").GetInt64();
    }

    [Fact]
    public void Settings_load_at_start_up_as_namespace_colon_key_with_values_flattened()
    {
        Assert.Equal("50", _config["checkout:max_items"]);
        Assert.Equal("Welcome", _config["checkout:banner"]);
        Assert.Equal("10", _config["checkout:limits:rps"]);
        Assert.Equal("b", _config["checkout:limits:hosts:1"]);
        Assert.Equal("3", _config["checkout:limits:burst:size"]);
        Assert.Equal("True", _config["features:dark_mode"]);
        Assert.Null(_config["unwatched:other"]);
    }

    [Fact]
    public void Keys_are_case_insensitive()
    {
        Assert.Equal("50", _config["CHECKOUT:Max_Items"]);
        Assert.Equal("10", _config.GetSection("Checkout").GetSection("LIMITS")["Rps"]);
    }

    [Fact]
    public void Sections_and_children_are_those_of_the_flattened_json()
    {
        Assert.Equal(["banner", "limits", "max_items"], _config.GetSection("checkout").GetChildren().Select(c => c.Key).Order().ToArray());
        Assert.Equal(["burst", "empty", "hosts", "none", "rps"], _config.GetSection("checkout:limits").GetChildren().Select(c => c.Key).Order().ToArray());
        Assert.Equal(["0", "1"], _config.GetSection("checkout:limits:hosts").GetChildren().Select(c => c.Key).ToArray());
        Assert.True(_config.GetSection("checkout:limits").Exists());
        Assert.False(_config.GetSection("checkout:nothing").Exists());
        Assert.Equal("checkout:limits:burst", _config.GetSection("checkout:limits:burst").Path);
    }

    [Fact]
    public void Nulls_are_null_as_with_the_json_provider()
    {
        Assert.Null(_config["checkout:limits:none"]);
        Assert.Null(_config["checkout:limits:empty"]);
        Assert.Contains(_config.AsEnumerable(), p => p.Key == "checkout:limits:none" && p.Value is null);
    }

    [Fact]
    public void Options_bind_from_a_namespace()
    {
        var checkout = _config.GetSection("checkout").Get<CheckoutOptions>()!;
        var bound = new CheckoutOptions();
        _config.GetSection("checkout").Bind(bound);

        Assert.Equal(50, checkout.MaxItems);
        Assert.Equal(10, checkout.Limits.Rps);
        Assert.Equal(["a", "b"], checkout.Limits.Hosts);
        Assert.Equal(TimeSpan.FromSeconds(1), bound.Limits.Burst.Window);
        Assert.Equal(3, bound.Limits.Burst.Size);
        Assert.True(_config.GetValue<bool>("features:dark_mode"));
        Assert.Equal(50, _config.GetValue<int>("checkout:max_items"));
    }

    [Fact]
    public void The_debug_view_lists_the_values_and_names_the_strata_provider()
    {
        var view = _config.GetDebugView();

        Assert.Contains("rps=10 (Strata " + _server.Address, view);
        Assert.Contains("max_items=50 (Strata", view);
    }

    [Fact]
    public async Task A_later_provider_overrides_strata_and_strata_overrides_an_earlier_one()
    {
        using var config = (IDisposable)await StrataClient.BuildAsync(_server.Address,
            before: b => b.AddInMemoryCollection(new Dictionary<string, string?> { ["checkout:max_items"] = "1", ["checkout:only_local"] = "x" }),
            after: b => b.AddInMemoryCollection(new Dictionary<string, string?> { ["checkout:banner"] = "Local banner" }));
        var root = (IConfigurationRoot)config;

        Assert.Equal("50", root["checkout:max_items"]);
        Assert.Equal("Local banner", root["checkout:banner"]);
        Assert.Equal("x", root["checkout:only_local"]);
        Assert.Equal(["banner", "limits", "max_items", "only_local"], root.GetSection("checkout").GetChildren().Select(c => c.Key).Order().ToArray());
    }

    [Fact]
    public async Task A_put_fires_options_monitor_on_change_with_the_new_value()
    {
        using var services = new ServiceCollection().AddOptions().Configure<CheckoutOptions>(_config.GetSection("checkout")).BuildServiceProvider();
        var monitor = services.GetRequiredService<IOptionsMonitor<CheckoutOptions>>();
        Assert.Equal(50, monitor.CurrentValue.MaxItems);
        var changed = new TaskCompletionSource<CheckoutOptions>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = monitor.OnChange(o => { if (o.MaxItems == 60) changed.TrySetResult(o); });

        await PutAsync("checkout", "max_items", "60");

        var value = await changed.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(60, value.MaxItems);
        Assert.Equal(60, monitor.CurrentValue.MaxItems);
        Assert.Equal(10, value.Limits.Rps);
    }

    [Fact]
    public async Task An_options_snapshot_in_a_new_scope_sees_the_new_value()
    {
        using var services = new ServiceCollection().AddOptions().Configure<CheckoutOptions>(_config.GetSection("checkout")).BuildServiceProvider();
        using var recorder = new ReloadRecorder(_config, "checkout:limits:rps");

        var revision = await PutAsync("checkout", "limits", """{"rps": 25, "hosts": ["c"]}""");
        await recorder.WaitForRevisionAsync(revision);

        using var scope = services.CreateScope();
        var limits = scope.ServiceProvider.GetRequiredService<IOptionsSnapshot<CheckoutOptions>>().Value.Limits;
        Assert.Equal(25, limits.Rps);
        Assert.Equal(["c"], limits.Hosts);
        // The whole value was replaced: keys the new value lacks are gone.
        Assert.Null(_config["checkout:limits:hosts:1"]);
        Assert.Null(_config["checkout:limits:burst:size"]);
    }

    [Fact]
    public async Task Each_applied_revision_fires_exactly_one_reload_in_commit_order()
    {
        using var recorder = new ReloadRecorder(_config, "checkout:max_items");
        var revisions = new List<long>();
        for (var i = 1; i <= 10; i++) revisions.Add(await PutAsync("checkout", "max_items", $"{100 + i}"));
        var unwatched = await PutAsync("unwatched", "other", "2");

        await recorder.WaitForRevisionAsync(revisions[^1]);

        Assert.Equal(revisions.Select((r, i) => (r, (string?)$"{101 + i}")), recorder.Reloads);
        Assert.True(unwatched > revisions[^1]);
    }

    [Fact]
    public async Task A_reset_key_leaves_configuration()
    {
        using var recorder = new ReloadRecorder(_config, "checkout:banner");
        var answer = await _server.Http.DeleteAsync("api/v1/settings/checkout/banner");
        Assert.True(answer.IsSuccessStatusCode);
        var revision = (await answer.ReadJsonAsync()).GetProperty("revision").GetInt64();

        await recorder.WaitForRevisionAsync(revision);

        Assert.Null(_config["checkout:banner"]);
        Assert.DoesNotContain(_config.GetSection("checkout").GetChildren(), c => c.Key == "banner");
    }

    [Fact]
    public async Task The_status_says_where_the_values_came_from_and_that_the_watch_is_connected()
    {
        using var recorder = new ReloadRecorder(_config, "checkout:max_items");
        var revision = await PutAsync("checkout", "max_items", "77");
        await recorder.WaitForRevisionAsync(revision);

        var status = _config.GetStrataStatus();

        Assert.Equal(StrataDataSource.Server, status.Source);
        Assert.Equal(revision, status.Revision);
        Assert.True(status.Connected);
        Assert.Null(status.LastError);
        Assert.NotNull(status.LastAppliedAt);
        Assert.Equal(0, status.RejectedSignatures);
    }

    [Fact]
    public void Status_of_a_configuration_without_strata_is_a_clear_error()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new ConfigurationBuilder().Build().GetStrataStatus());
        Assert.Contains("AddStrata", error.Message);
    }

    [Fact]
    public async Task The_consumers_view_shows_the_instance_and_the_revision_it_applied()
    {
        var log = new CapturedLog();
        using var config = (IDisposable)await StrataClient.BuildAsync(_server.Address, o => { o.InstanceId = "consumer-test-1"; o.Host = "web-7"; o.LoggerFactory = log.Factory; });
        var root = (IConfigurationRoot)config;
        var provider = StrataConfigurationExtensions.FindProvider(root)!;
        using var recorder = new ReloadRecorder(root, "checkout:max_items");
        var reportedUpTo = 0L;
        using var reports = new SemaphoreSlim(0);
        provider.Reporter.Reported += r => { Interlocked.Exchange(ref reportedUpTo, Math.Max(r, Interlocked.Read(ref reportedUpTo))); reports.Release(); };

        var revision = await PutAsync("checkout", "max_items", "88");
        await recorder.WaitForRevisionAsync(revision);
        // The report may land before or after the PUT answers: wait until one covers the revision.
        while (Interlocked.Read(ref reportedUpTo) < revision)
            Assert.True(await reports.WaitAsync(TimeSpan.FromSeconds(30)), log.Text);

        var listing = await _server.Http.GetAsync("api/v1/consumers");
        Assert.Equal(HttpStatusCode.OK, listing.StatusCode);
        var consumers = (await listing.ReadJsonAsync()).GetProperty("consumers").EnumerateArray().ToList();
        var me = Assert.Single(consumers, c => c.GetProperty("instance").GetString() == "consumer-test-1");
        Assert.Equal(revision, me.GetProperty("appliedRevision").GetInt64());
        Assert.Equal("client-tests", me.GetProperty("application").GetString());
        Assert.Equal("web-7", me.GetProperty("host").GetString());
    }

    [Fact]
    public async Task A_commit_the_stream_does_not_carry_stops_showing_the_consumer_behind_after_a_heartbeat()
    {
        await using var server = await TestServer.StartAsync(o => o.Watch.HeartbeatSeconds = 1);
        await server.PutJsonAsync("api/v1/settings/checkout/max_items", """{"value": 1}""");
        using var config = (IDisposable)await StrataClient.BuildAsync(server.Address, o => { o.InstanceId = "beat-1"; o.HeartbeatInterval = TimeSpan.FromSeconds(1); });
        var provider = StrataConfigurationExtensions.FindProvider((IConfigurationRoot)config)!;
        using var reports = new SemaphoreSlim(0);
        var reportedUpTo = 0L;
        provider.Reporter.Reported += r => { Interlocked.Exchange(ref reportedUpTo, Math.Max(r, Interlocked.Read(ref reportedUpTo))); reports.Release(); };

        // A scope this client does not read: no event reaches it, but the namespace moved on.
        var elsewhere = (await (await server.PutJsonAsync("api/v1/settings/checkout/max_items?scope=user:bob", """{"value": 2}""")).ReadJsonAsync())
            .GetProperty("revision").GetInt64();
        while (Interlocked.Read(ref reportedUpTo) < elsewhere)
            Assert.True(await reports.WaitAsync(TimeSpan.FromSeconds(30)), "no report reached the commit's revision");

        var me = (await server.Http.GetFromJsonAsync<System.Text.Json.JsonElement>("api/v1/consumers")).GetProperty("consumers").EnumerateArray()
            .Single(c => c.GetProperty("instance").GetString() == "beat-1");
        Assert.False(me.GetProperty("behind").GetBoolean());
        Assert.Equal("1", ((IConfigurationRoot)config)["checkout:max_items"]);
    }
}
