using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Strata.Security;
using Strata.Tests.Infrastructure;
using Xunit;

namespace Strata.Tests.Ui;

/// <summary>The search page: the search service's results for the signed-in user, secrets never shown.</summary>
public sealed class SearchPageTests
{
    private const string AdminToken = "ui-search-admin-0123456789abcdef";

    private static Task<TestServer> StartAsync() => TestServer.StartAsync(o =>
    {
        o.EnvironmentVariables!["STRATA_ADMIN_TOKEN"] = AdminToken;
        o.Define(new SettingDefinition { Namespace = "billing", Key = "daily_limit", Type = SettingType.Int, Default = 100, Group = "Budget Limits", Description = "Daily spending ceiling" });
        o.Define(new SettingDefinition { Namespace = "billing", Key = "api_key", Type = SettingType.String, Sensitive = true, Description = "Payment provider limit key" });
        o.Define(new SettingDefinition { Namespace = "hidden", Key = "limit_secretly", Type = SettingType.Int, Default = 1 });
    }, anonymousGrants: [], masterKey: MasterKey.Generate());

    [Fact]
    public async Task Search_lists_the_readable_matches_ranked_with_secrets_masked_and_links_to_each_setting()
    {
        await using var server = await StartAsync();
        using var admin = server.CreateClient(AdminToken);
        (await admin.PutAsJsonAsync("api/v1/settings/billing/api_key", new { value = "sk-live-limit-4242" })).EnsureSuccessStatusCode();
        var created = await (await admin.PostAsync("api/v1/tokens", JsonContent.Create(new { name = "reader", grants = new[] { "config.read:billing" } })))
            .Content.ReadFromJsonAsync<JsonElement>();
        using var reader = new UiBrowser(server, created.GetProperty("token").GetString());

        var html = await reader.PageAsync("/search?q=limit");

        Assert.Contains("data-namespace=\"billing\" data-key=\"daily_limit\"", html);
        Assert.Contains("href=\"/ns/billing#s-daily_limit\"", html);
        Assert.Contains("data-key=\"api_key\"", html);            // found by its description
        Assert.DoesNotContain("sk-live-limit-4242", html);         // never its value
        Assert.DoesNotContain("limit_secretly", html);             // a namespace the reader may not read
        Assert.True(html.IndexOf("daily_limit", StringComparison.Ordinal) < html.IndexOf("data-key=\"api_key\"", StringComparison.Ordinal),
            "a key match ranks above a description match");
        Assert.Contains("data-total=\"2\"", html);
    }

    [Fact]
    public async Task An_empty_search_shows_the_form_and_a_refused_one_says_why_with_400()
    {
        await using var server = await StartAsync();
        using var admin = new UiBrowser(server, AdminToken);

        var empty = await admin.PageAsync("/search");
        Assert.Contains("id=\"q\"", empty);
        Assert.DoesNotContain("id=\"search-summary\"", empty);

        var (status, refused) = await admin.GetAsync("/search?q=" + new string('x', 201));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("id=\"search-error\"", refused);
    }

    [Fact]
    public async Task Search_needs_a_session_or_a_token()
    {
        await using var server = await StartAsync();
        using var anonymous = new UiBrowser(server);
        var (status, _) = await anonymous.GetAsync("/search?q=limit");
        Assert.Equal(HttpStatusCode.Found, status);
    }
}
