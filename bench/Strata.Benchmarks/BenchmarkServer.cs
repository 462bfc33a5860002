using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Strata.Benchmarks;

/// <summary>A real Strata server (AddStrata/MapStrata on Kestrel, a SQLite file in a temp folder) on 127.0.0.1, port 0,
/// in the benchmark's process, holding a <c>checkout</c> namespace of 100 keys.</summary>
internal sealed class BenchmarkServer : IAsyncDisposable
{
    public const string Token = "bench-admin-token-0123456789abcdef0123456789";

    private readonly WebApplication _app;
    private readonly string _dir;

    private BenchmarkServer(WebApplication app, string dir, Uri address, HttpClient http)
    {
        _app = app;
        _dir = dir;
        Address = address;
        Http = http;
    }

    public Uri Address { get; }

    /// <summary>A client with the admin token.</summary>
    public HttpClient Http { get; }

    public static async Task<BenchmarkServer> StartAsync()
    {
        var dir = Path.Combine(Path.GetTempPath(), "strata-bench", Guid.NewGuid().ToString("N"));
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddStrata(o =>
        {
            o.DataDirectory = dir;
            o.EnvironmentVariables = new System.Collections.Hashtable { ["STRATA_ADMIN_TOKEN"] = Token };
        });
        var app = builder.Build();
        app.MapStrata();
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        var http = new HttpClient { BaseAddress = address };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        var server = new BenchmarkServer(app, dir, address, http);
        var changes = Enumerable.Range(0, 98).Select(i => (object)new { @namespace = "checkout", key = $"filler{i}", value = i })
            .Append(new { @namespace = "checkout", key = "max_items", value = 50 })
            .Append(new { @namespace = "checkout", key = "currency", value = "EUR" });
        (await http.PatchAsJsonAsync("api/v1/settings", new { changes })).EnsureSuccessStatusCode();
        return server;
    }

    public async Task<string> SigningKeyAsync() =>
        (await Http.GetFromJsonAsync<JsonElement>("api/v1/signing-key")).GetProperty("publicKey").GetString()!;

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }
}
