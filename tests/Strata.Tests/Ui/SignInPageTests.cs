using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Strata.Tests.Infrastructure;
using Xunit;

namespace Strata.Tests.Ui;

/// <summary>The sign-in page, sign-out and the sessions page, over real HTTP with the server's cookies.</summary>
public sealed class SignInPageTests : IAsyncLifetime
{
    private const string AdminToken = "ui-sign-in-admin-0123456789abcdef";
    private TestServer _server = null!;

    public async Task InitializeAsync() =>
        _server = await TestServer.StartAsync(o => o.EnvironmentVariables!["STRATA_ADMIN_TOKEN"] = AdminToken, anonymousGrants: []);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<string> TokenAsync(params string[] grants)
    {
        using var admin = _server.CreateClient(AdminToken);
        var created = await (await admin.PostAsync("api/v1/tokens", JsonContent.Create(new { name = "reader", grants }))).Content.ReadFromJsonAsync<JsonElement>();
        return created.GetProperty("token").GetString()!;
    }

    private static async Task<HttpResponseMessage> SignInWithTokenAsync(UiBrowser browser, string token, string returnUrl = "/")
    {
        await browser.OpenAsync("/sign-in?returnUrl=" + Uri.EscapeDataString(returnUrl));
        return await browser.SubmitAsync("/sign-in", [new("token", token), new("returnUrl", returnUrl)]);
    }

    [Fact]
    public async Task A_page_asked_for_without_a_session_redirects_to_sign_in_and_comes_back_after()
    {
        using var browser = new UiBrowser(_server);
        var first = await browser.OpenAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        Assert.Equal("/sign-in", first.Headers.Location!.AbsolutePath);
        Assert.Contains("returnUrl=%2F", first.Headers.Location!.Query);

        var signedIn = await SignInWithTokenAsync(browser, AdminToken);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal("/", signedIn.Headers.Location!.OriginalString);
        var cookie = Assert.Single(signedIn.Headers.GetValues("Set-Cookie"), c => c.StartsWith("strata_session=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);

        var page = await browser.OpenAsync("/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("id=\"signed-in-as\">admin<", browser.LastPage);
    }

    [Fact]
    public async Task A_sign_in_without_the_antiforgery_token_is_refused_and_opens_no_session()
    {
        using var browser = new UiBrowser(_server);
        await browser.OpenAsync("/sign-in");
        var forged = await browser.SubmitAsync("/sign-in", [new("token", AdminToken), new("returnUrl", "/")], withToken: false);

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.DoesNotContain(browser.Cookies.GetAllCookies(), c => c.Name == "strata_session");
        Assert.Equal(HttpStatusCode.Redirect, (await browser.OpenAsync("/")).StatusCode);
    }

    [Fact]
    public async Task A_wrong_token_shows_why_and_opens_no_session()
    {
        using var browser = new UiBrowser(_server);
        var refused = await SignInWithTokenAsync(browser, "strata_not-a-real-token");

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("id=\"sign-in-error\"", browser.LastPage);
        Assert.DoesNotContain("strata_not-a-real-token", browser.LastPage);
        Assert.DoesNotContain(browser.Cookies.GetAllCookies(), c => c.Name == "strata_session");
    }

    [Fact]
    public async Task The_return_address_is_never_another_site()
    {
        using var browser = new UiBrowser(_server);
        var signedIn = await SignInWithTokenAsync(browser, AdminToken, "//evil.example/steal");

        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal("/", signedIn.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Signing_out_ends_the_session_on_the_server_so_its_cookie_no_longer_works()
    {
        using var browser = new UiBrowser(_server);
        await SignInWithTokenAsync(browser, AdminToken);
        var kept = browser.Cookies.GetAllCookies().Single(c => c.Name == "strata_session");
        await browser.OpenAsync("/");

        var signedOut = await browser.SubmitAsync("/sign-out", [new("signOut", "1")]);
        Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);

        // The same cookie, replayed as a thief would: the server has ended the session.
        using var replay = new UiBrowser(_server);
        replay.Cookies.Add(new Cookie(kept.Name, kept.Value, "/", _server.Address.Host));
        Assert.Equal(HttpStatusCode.Redirect, (await replay.OpenAsync("/")).StatusCode);
    }

    [Fact]
    public async Task A_signed_in_user_without_the_permission_gets_a_page_saying_what_is_missing()
    {
        var token = await TokenAsync("config.read:checkout");
        using var browser = new UiBrowser(_server);
        await SignInWithTokenAsync(browser, token);

        var sessions = await browser.OpenAsync("/sessions");
        Assert.Equal(HttpStatusCode.Forbidden, sessions.StatusCode);
        Assert.Contains("does not have admin on", browser.LastPage);
        Assert.Equal(HttpStatusCode.OK, (await browser.OpenAsync("/")).StatusCode);
    }

    [Fact]
    public async Task An_admin_sees_the_open_sessions_and_revoking_one_signs_it_out()
    {
        var token = await TokenAsync("config.read:*");
        using var reader = new UiBrowser(_server);
        await SignInWithTokenAsync(reader, token);
        Assert.Equal(HttpStatusCode.OK, (await reader.OpenAsync("/")).StatusCode);

        using var admin = new UiBrowser(_server);
        await SignInWithTokenAsync(admin, AdminToken);
        await admin.OpenAsync("/sessions");
        var row = System.Text.RegularExpressions.Regex.Match(admin.LastPage!, "<tr data-session=\"(?<id>[^\"]+)\"><td>reader ");
        Assert.True(row.Success, "the reader's session is listed");

        var revoked = await admin.SubmitAsync($"/sessions/{row.Groups["id"].Value}/revoke", []);
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        Assert.Contains("The session is revoked.", admin.LastPage);
        Assert.Equal(HttpStatusCode.Redirect, (await reader.OpenAsync("/")).StatusCode);
    }
}
