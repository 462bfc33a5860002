using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Strata.Tests.Infrastructure;

namespace Strata.Tests.Api;

/// <summary>The library form: an ASP.NET Core app hosts Strata with AddStrata / MapStrata, as the README shows.</summary>
public sealed class EmbeddingTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    private const string AdminToken = "embedded-admin-token-0123456789abcdef";

    public void Dispose() => _dir.Dispose();

    /// <summary>A host on 127.0.0.1, port 0, with Strata on this test's folder and a known admin token.</summary>
    private WebApplicationBuilder Host(Action<StrataOptions> configure)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddStrata(o =>
        {
            o.DataDirectory = _dir.Path;
            o.EnvironmentVariables = new System.Collections.Hashtable { ["STRATA_ADMIN_TOKEN"] = AdminToken };
            configure(o);
        });
        return builder;
    }

    private static Uri Address(WebApplication app) =>
        new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());

    [Fact]
    public async Task An_app_hosts_strata_with_its_own_database_and_reads_typed_values_in_process()
    {
        var builder = Host(o => o.Define(new SettingDefinition { Namespace = "checkout", Key = "max_items", Type = SettingType.Int, Default = 50, Max = 500 }));
        await using var app = builder.Build();
        app.UseRateLimiter();
        app.UseAuthorization();
        app.MapStrata();
        await app.StartAsync();
        using var http = OpenApiContractHandler.Client(Address(app), AdminToken);
        var settings = app.Services.GetRequiredService<StrataSettings>();

        Assert.Equal(50, settings.GetValue<int>("checkout", "max_items"));
        Assert.Equal(HttpStatusCode.Created, (await http.PutAsJsonAsync("api/v1/settings/checkout/max_items", new { value = 80 })).StatusCode);
        Assert.Equal(80, settings.GetValue<int>("checkout", "max_items"));
        Assert.Equal(80, (await http.GetFromJsonAsync<JsonElement>("api/v1/settings/checkout/max_items")).GetProperty("value").GetInt32());
        Assert.True(File.Exists(Path.Combine(_dir.Path, "strata.db")));
        await app.StopAsync();
    }

    [Fact]
    public async Task The_host_s_own_configuration_and_options_monitor_follow_strata_in_process()
    {
        var builder = Host(o => o.Define(new SettingDefinition { Namespace = "checkout", Key = "max_items", Type = SettingType.Int, Default = 50 }));
        builder.AddStrataConfiguration("checkout");
        builder.Services.Configure<CheckoutOptions>(builder.Configuration.GetSection("checkout"));
        await using var app = builder.Build();
        app.MapStrata();
        await app.StartAsync();
        using var http = OpenApiContractHandler.Client(Address(app), AdminToken);
        var monitor = app.Services.GetRequiredService<IOptionsMonitor<CheckoutOptions>>();
        Assert.Equal(50, monitor.CurrentValue.Max_Items);

        var changed = new TaskCompletionSource<CheckoutOptions>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var _ = monitor.OnChange(o => { if (o.Max_Items == 80) changed.TrySetResult(o); });
        Assert.True((await http.PatchAsync("api/v1/settings", new StringContent(
            """{"changes":[{"namespace":"checkout","key":"max_items","value":80},{"namespace":"checkout","key":"limits","value":{"rps":7,"tags":["a","b"]}}]}""",
            System.Text.Encoding.UTF8, "application/json"))).IsSuccessStatusCode);

        var options = await changed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal((80, 7, "b"), (options.Max_Items, options.Limits.Rps, options.Limits.Tags[1]));
        Assert.Equal("7", app.Configuration["CHECKOUT:limits:RPS"]);
        // A reset falls back to the default, and the flattened children of a removed value go with it.
        var reset = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var __ = monitor.OnChange(o => { if (o.Max_Items == 50 && o.Limits.Rps == 0) reset.TrySetResult(); });
        await http.DeleteAsync("api/v1/settings/checkout/max_items");
        await http.DeleteAsync("api/v1/settings/checkout/limits");
        await reset.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Null(app.Configuration["checkout:limits:rps"]);
        await app.StopAsync();
    }

    public sealed class CheckoutOptions
    {
        public int Max_Items { get; set; }
        public LimitOptions Limits { get; set; } = new();
    }

    public sealed class LimitOptions
    {
        public int Rps { get; set; }
        public List<string> Tags { get; set; } = [];
    }

    [Fact]
    public async Task Strata_leaves_the_host_s_clock_json_options_openapi_document_and_health_endpoints_alone()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var hostClock = new HostClock();
        builder.Services.AddSingleton<TimeProvider>(hostClock);
        builder.Services.Configure<Microsoft.AspNetCore.Http.Json.JsonOptions>(o => o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower);
        builder.Services.AddStrata(o =>
        {
            o.DataDirectory = _dir.Path;
            o.EnvironmentVariables = new System.Collections.Hashtable { ["STRATA_ADMIN_TOKEN"] = AdminToken };
        });
        builder.Services.AddOpenApi("v1");
        await using var app = builder.Build();
        app.MapStrata();
        app.MapOpenApi("/host-docs/{documentName}.json");
        app.MapGet("/healthz", () => "the host's own");
        app.MapGet("/host", () => new { SomeValue = 1 });
        await app.StartAsync();
        var address = Address(app);
        using var plain = new HttpClient { BaseAddress = address };
        using var strata = OpenApiContractHandler.Client(address, AdminToken);

        Assert.Same(hostClock, app.Services.GetRequiredService<TimeProvider>());
        Assert.Equal("the host's own", await plain.GetStringAsync("healthz"));
        Assert.Equal("""{"some_value":1}""", await plain.GetStringAsync("host"));
        Assert.Equal(HttpStatusCode.NotFound, (await plain.GetAsync("readyz")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await strata.PutAsJsonAsync("api/v1/settings/app/a", new { value = 1 })).StatusCode);
        var document = await plain.GetStringAsync("openapi/strata.json");
        Assert.DoesNotContain("/readyz", document);
        // The host's own document is its own: Strata's operations are not in it, and Strata does not serve it.
        Assert.DoesNotContain("putSetting", await plain.GetStringAsync("host-docs/v1.json"));
        Assert.Equal(HttpStatusCode.NotFound, (await plain.GetAsync("openapi/v1.json")).StatusCode);
        await app.StopAsync();
    }

    private sealed class HostClock : TimeProvider;
}
