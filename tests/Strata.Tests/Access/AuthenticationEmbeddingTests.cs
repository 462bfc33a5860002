using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Strata.Tests.Infrastructure;

namespace Strata.Tests.Access;

/// <summary>Strata's schemes and refusal handling beside a host's own authentication: each keeps to its own endpoints.</summary>
public sealed class AuthenticationEmbeddingTests : IDisposable
{
    private const string AdminToken = "auth-embedding-admin-token-0123456789";
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Strata_s_schemes_are_not_the_host_s_default_and_the_host_s_refusals_stay_the_framework_s()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddAuthentication().AddCookie("HostCookie");
        builder.Services.AddStrata(o =>
        {
            o.DataDirectory = _dir.Path;
            o.EnvironmentVariables = new System.Collections.Hashtable { ["STRATA_ADMIN_TOKEN"] = AdminToken };
        });
        await using var app = builder.Build();
        app.MapStrata();
        app.MapGet("/host/private", () => "secret").RequireAuthorization(p => p.AddAuthenticationSchemes("HostCookie").RequireAuthenticatedUser());
        app.MapGet("/host/public", (HttpContext http) => http.User.Identity?.IsAuthenticated == true ? "someone" : "nobody");
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        using var plain = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = address };
        plain.DefaultRequestHeaders.Authorization = new("Bearer", AdminToken);

        var schemes = app.Services.GetRequiredService<IAuthenticationSchemeProvider>();
        Assert.Null(await schemes.GetDefaultAuthenticateSchemeAsync());
        Assert.Null(await schemes.GetDefaultChallengeSchemeAsync());
        // The host's policy challenges the host's scheme (a redirect to its login path), not Strata's 401 problem.
        using var refused = await plain.GetAsync("host/private");
        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        Assert.StartsWith("/Account/Login", refused.Headers.Location!.PathAndQuery);
        // A Strata token means nothing to the host's own endpoints.
        Assert.Equal("nobody", await plain.GetStringAsync("host/public"));
        // And Strata's own endpoints answer as always.
        Assert.Equal(HttpStatusCode.Created, (await plain.PutAsJsonAsync("api/v1/settings/app/a", new { value = 1 })).StatusCode);
        using var anonymous = new HttpClient { BaseAddress = address };
        using var denied = await anonymous.GetAsync("api/v1/settings/app/a");
        Assert.Equal(HttpStatusCode.Unauthorized, denied.StatusCode);
        Assert.Equal("Bearer", denied.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal("application/problem+json", denied.Content.Headers.ContentType?.MediaType);
        await app.StopAsync();
    }

    [Fact]
    public async Task A_page_behind_a_strata_policy_sends_nobody_to_sign_in_and_a_user_without_the_grant_gets_403()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddStrata(o =>
        {
            o.DataDirectory = _dir.Path;
            o.EnvironmentVariables = new System.Collections.Hashtable { ["STRATA_ADMIN_TOKEN"] = AdminToken };
        });
        await using var app = builder.Build();
        app.MapStrata();
        // What the UI's pages do: a Strata permission on the route's namespace.
        Strata.Access.AccessControl.Requires(app.MapGet("/ns/{ns}", (string ns) => $"page of {ns}"), Strata.Access.Permission.Read);
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        using var admin = OpenApiContractHandler.Client(address, AdminToken);
        await admin.PostAsync("api/v1/users", JsonContent.Create(new { name = "alice", password = "correct horse battery", grants = new[] { "config.read:billing" } }));
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = address };

        using var nobody = await browser.GetAsync("ns/billing");
        Assert.Equal(HttpStatusCode.Redirect, nobody.StatusCode);
        Assert.Equal("/sign-in?returnUrl=%2Fns%2Fbilling", nobody.Headers.Location!.PathAndQuery);

        Assert.Equal(HttpStatusCode.Created, (await browser.PostAsync("api/v1/sessions", JsonContent.Create(new { user = "alice", password = "correct horse battery" }))).StatusCode);
        Assert.Equal("page of billing", await browser.GetStringAsync("ns/billing"));
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.GetAsync("ns/payroll")).StatusCode);
        await app.StopAsync();
    }
}
