using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Strata.Cluster;
using Strata.Engine;
using Strata.Redis;
using Strata.Tests.Infrastructure;

namespace Strata.Tests.Redis;

/// <summary>The bridge publishes only while it holds the lease <c>bridge:redis</c>, and a holder resumes after the
/// revision Redis holds: the library form (<c>AddStrata</c> + <c>AddStrataRedis</c>) with leases the test hands out.</summary>
public sealed class RedisLeaseTests(RedisServer redis) : IClassFixture<RedisServer>
{
    [Fact]
    public async Task Nothing_is_published_without_the_lease_and_the_next_holder_resumes_after_what_redis_holds_in_order()
    {
        using var dir = new TempDirectory();
        var leases = new HandedLeases();
        var prefix = "l" + Guid.NewGuid().ToString("N")[..8];
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Strata:Redis:Configuration"] = redis.Configuration,
            ["Strata:Redis:SnapshotKey"] = $"{prefix}:config",
            ["Strata:Redis:VersionKey"] = $"{prefix}:config:version",
            ["Strata:Redis:Channel"] = $"{prefix}:config_channel",
        });
        builder.Services.AddSingleton<IClusterLeases>(leases);
        builder.Services.AddStrata(o =>
        {
            o.DataDirectory = dir.Path;
            o.EnvironmentVariables = new System.Collections.Hashtable();
        });
        builder.Services.AddStrataRedis(builder.Configuration);
        await using var app = builder.Build();
        await app.StartAsync();
        var engine = app.Services.GetRequiredService<SettingsEngine>();
        var status = app.Services.GetRequiredService<RedisBridgeStatus>();
        await using var listener = await RedisListener.StartAsync(redis.Configuration, $"{prefix}:config_channel");
        var published = new List<long>();
        status.Published += r => { lock (published) published.Add(r); };

        var first = await CommitAsync(engine, "1");
        Assert.False(status.Read().Publishing);
        leases.Grant();
        // Nothing was published under these keys: the holder writes the whole state first.
        var whole = JsonDocument.Parse(await listener.NextAsync()).RootElement;
        Assert.Equal(("reloaded", first), (whole.GetProperty("event").GetString(), whole.GetProperty("version").GetInt64()));
        var held = await CommitAsync(engine, "2");
        Assert.Equal(held, (await listener.ReadThroughAsync(held)).Single().GetProperty("version").GetInt64());

        await leases.RevokeAsync();
        var missed = new[] { await CommitAsync(engine, "3"), await CommitAsync(engine, "4") };
        Assert.Equal(held.ToString(System.Globalization.CultureInfo.InvariantCulture), (string?)await listener.Db.StringGetAsync($"{prefix}:config:version"));
        Assert.False(status.Read().Publishing);
        lock (published) Assert.Equal([first, held], published);

        leases.Grant();
        var resumed = await listener.ReadThroughAsync(missed[^1]);

        Assert.Equal(missed, resumed.Select(m => m.GetProperty("version").GetInt64()));
        Assert.All(resumed, m => Assert.Equal("updated", m.GetProperty("event").GetString()));
        await app.StopAsync();
    }

    private static async Task<long> CommitAsync(SettingsEngine engine, string value) =>
        (await engine.CommitAsync(new ChangeSet([new Change("checkout", "max_items", "global", JsonDocument.Parse(value).RootElement)], "test"))).Revision;
}
