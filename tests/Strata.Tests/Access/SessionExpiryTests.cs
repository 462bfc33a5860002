using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Strata.Tests.Infrastructure;

namespace Strata.Tests.Access;

/// <summary>Idle and absolute session expiry, on a host whose clock the test moves (the server enforces both, not the cookie).</summary>
public sealed class SessionExpiryTests : IDisposable
{
    private const string AdminToken = "expiry-admin-token-0123456789abcdefghij";
    private const string Password = "correct horse battery";
    private readonly TempDirectory _dir = new();
    private readonly ManualClock _clock = new(DateTimeOffset.UtcNow);

    public void Dispose() => _dir.Dispose();

    private async Task<(WebApplication App, HttpClient Admin, Uri Address)> StartAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddSingleton<TimeProvider>(_clock);
        builder.Services.AddStrata(o =>
        {
            o.DataDirectory = _dir.Path;
            o.EnvironmentVariables = new System.Collections.Hashtable { ["STRATA_ADMIN_TOKEN"] = AdminToken };
            o.Ui.SessionIdleTimeout = TimeSpan.FromMinutes(30);
            o.Ui.SessionLifetime = TimeSpan.FromHours(1);
        });
        var app = builder.Build();
        app.MapStrata();
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        var admin = OpenApiContractHandler.Client(address, AdminToken);
        await admin.PutAsJsonAsync("api/v1/settings/billing/rate", new { value = 7 });
        await admin.PostAsync("api/v1/users", JsonContent.Create(new { name = "alice", password = Password, grants = new[] { "config.read:billing" } }));
        return (app, admin, address);
    }

    private static async Task<HttpClient> SignedInAsync(Uri address)
    {
        using var anonymous = new HttpClient { BaseAddress = address };
        using var signedIn = await anonymous.PostAsync("api/v1/sessions", JsonContent.Create(new { user = "alice", password = Password }));
        Assert.Equal(HttpStatusCode.Created, signedIn.StatusCode);
        var http = OpenApiContractHandler.Client(address);
        http.DefaultRequestHeaders.Add("Cookie", signedIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("strata_session=", StringComparison.Ordinal)).Split(';')[0]);
        return http;
    }

    private static async Task<HttpStatusCode> ReadAsync(HttpClient http) => (await http.GetAsync("api/v1/settings/billing/rate")).StatusCode;

    [Fact]
    public async Task A_session_unused_for_the_idle_timeout_ends_and_one_in_use_slides_on()
    {
        var (app, admin, address) = await StartAsync();
        await using var _ = app;
        using var __ = admin;
        using var alice = await SignedInAsync(address);

        _clock.Advance(TimeSpan.FromMinutes(25));
        Assert.Equal(HttpStatusCode.OK, await ReadAsync(alice));
        _clock.Advance(TimeSpan.FromMinutes(25));
        Assert.Equal(HttpStatusCode.OK, await ReadAsync(alice));
        _clock.Advance(TimeSpan.FromMinutes(31));

        Assert.Equal(HttpStatusCode.Unauthorized, await ReadAsync(alice));
        Assert.Empty((await admin.GetFromJsonAsync<System.Text.Json.JsonElement>("api/v1/sessions")).GetProperty("sessions").EnumerateArray());
    }

    [Fact]
    public async Task A_session_ends_at_its_lifetime_however_much_it_is_used()
    {
        var (app, admin, address) = await StartAsync();
        await using var _ = app;
        using var __ = admin;
        using var alice = await SignedInAsync(address);

        for (var i = 0; i < 2; i++)
        {
            _clock.Advance(TimeSpan.FromMinutes(20));
            Assert.Equal(HttpStatusCode.OK, await ReadAsync(alice));
        }
        _clock.Advance(TimeSpan.FromMinutes(21));

        Assert.Equal(HttpStatusCode.Unauthorized, await ReadAsync(alice));
    }

    [Fact]
    public async Task An_expired_session_stays_ended_after_a_restart()
    {
        var (app, admin, address) = await StartAsync();
        HttpClient alice;
        await using (app)
        {
            using var _ = admin;
            alice = await SignedInAsync(address);
            Assert.Equal(HttpStatusCode.OK, await ReadAsync(alice));
            await app.StopAsync();
        }
        _clock.Advance(TimeSpan.FromMinutes(31));

        var (restarted, admin2, address2) = await StartAsync();
        await using var __ = restarted;
        using var ___ = admin2;
        using var again = OpenApiContractHandler.Client(address2);
        again.DefaultRequestHeaders.Add("Cookie", alice.DefaultRequestHeaders.GetValues("Cookie").Single());
        alice.Dispose();

        Assert.Equal(HttpStatusCode.Unauthorized, await ReadAsync(again));
    }
}
