using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Strata.Tests.Infrastructure;

namespace Strata.Tests.Ui;

/// <summary>The audit page: filters by actor, namespace, action and time, pages, and who may see it.</summary>
public sealed partial class AuditPageTests
{
    private const string AdminToken = "ui-audit-admin-token-0123456789abcdef";

    private static Task<TestServer> StartAsync(string[]? anonymousGrants = null) =>
        TestServer.StartAsync(o => o.EnvironmentVariables!["STRATA_ADMIN_TOKEN"] = AdminToken, anonymousGrants: anonymousGrants ?? []);

    private static async Task<string> TokenAsync(HttpClient admin, string name, params string[] grants) =>
        (await (await admin.PostAsync("api/v1/tokens", JsonContent.Create(new { name, grants }))).ReadJsonAsync()).GetProperty("token").GetString()!;

    private static async Task WriteAsync(HttpClient client, string path, int value) =>
        (await client.PutAsJsonAsync("api/v1/settings/" + path, new { value })).EnsureSuccessStatusCode();

    private static List<Dictionary<string, string>> Rows(string html) =>
        [.. RowPattern().Matches(html).Select(m => AttributePattern().Matches(m.Value).ToDictionary(a => a.Groups[1].Value, a => WebUtility.HtmlDecode(a.Groups[2].Value)))];

    [Fact]
    public async Task Audit_page_filters_by_actor_namespace_action_and_time()
    {
        await using var server = await StartAsync();
        using var admin = server.CreateClient(AdminToken);
        using var alice = server.CreateClient(await TokenAsync(admin, "alice", "config.write:*"));
        using var bob = server.CreateClient(await TokenAsync(admin, "bob", "config.write:*"));
        await WriteAsync(alice, "checkout/max_items", 1);
        await WriteAsync(bob, "checkout/max_items", 2);
        await WriteAsync(alice, "billing/retries", 3);
        (await bob.DeleteAsync("api/v1/settings/checkout/max_items")).EnsureSuccessStatusCode();
        using var browser = new UiBrowser(server, AdminToken);

        var byAlice = Rows(await browser.PageAsync("/audit?actor=alice"));
        Assert.Equal(2, byAlice.Count);
        Assert.All(byAlice, r => Assert.Equal("alice", r["data-actor"]));
        var billing = Rows(await browser.PageAsync("/audit?ns=billing"));
        Assert.Equal(["billing"], billing.Select(r => r["data-namespace"]).Distinct());
        var resets = Rows(await browser.PageAsync("/audit?action=setting.reset&ns=checkout"));
        Assert.Equal(("bob", "setting.reset"), (Assert.Single(resets)["data-actor"], resets[0]["data-audit-action"]));
        var none = await browser.PageAsync("/audit?actor=bob&ns=billing");
        Assert.Empty(Rows(none));
        Assert.Contains("id=\"no-events\"", none);

        // One event's own time, as both ends: the bounds are inclusive, and nothing at another time is shown.
        var first = (await admin.GetFromJsonAsync<JsonElement>("api/v1/audit?actor=alice&namespace=checkout")).GetProperty("audit")[0];
        var at = first.GetProperty("at").GetDateTimeOffset();
        var stamp = Uri.EscapeDataString(at.ToString("O"));
        var window = Rows(await browser.PageAsync($"/audit?from={stamp}&to={stamp}"));
        Assert.Contains(window, r => r["data-id"] == first.GetProperty("id").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.All(window, r => Assert.Equal(at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ"), r["datetime"]));
        Assert.Empty(Rows(await browser.PageAsync($"/audit?from={Uri.EscapeDataString(at.AddHours(1).ToString("O"))}")));
        Assert.Empty(Rows(await browser.PageAsync($"/audit?to={Uri.EscapeDataString(at.AddHours(-1).ToString("O"))}")));
        // What a datetime-local input sends: no zone, read as UTC.
        Assert.NotEmpty(Rows(await browser.PageAsync($"/audit?from={at.AddMinutes(-1).UtcDateTime:yyyy-MM-ddTHH:mm}")));

        Assert.Equal(HttpStatusCode.BadRequest, (await browser.GetAsync("/audit?from=yesterday")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await browser.GetAsync("/audit?page=-3")).Status);
    }

    [Fact]
    public async Task Audit_page_pages_older_events_keeping_its_filters()
    {
        await using var server = await StartAsync();
        using var admin = server.CreateClient(AdminToken);
        for (var i = 0; i < 60; i++) await WriteAsync(admin, "checkout/max_items", i);
        await WriteAsync(admin, "billing/retries", 1);
        using var browser = new UiBrowser(server, AdminToken);

        var newest = await browser.PageAsync("/audit?ns=checkout");
        var first = Rows(newest);
        Assert.Equal(50, first.Count);
        Assert.DoesNotContain("id=\"newest\"", newest);
        var older = WebUtility.HtmlDecode(OlderPattern().Match(newest).Groups[1].Value);
        Assert.StartsWith("/audit?ns=checkout&page=", older);
        var rest = await browser.PageAsync(older);
        var second = Rows(rest);
        Assert.Equal(10, second.Count);
        Assert.All(second, r => Assert.Equal("checkout", r["data-namespace"]));
        Assert.Empty(first.Select(r => r["data-id"]).Intersect(second.Select(r => r["data-id"])));
        Assert.True(long.Parse(second[0]["data-id"], System.Globalization.CultureInfo.InvariantCulture)
            < long.Parse(first[^1]["data-id"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.DoesNotContain("id=\"older\"", rest);
        Assert.Contains("id=\"newest\" href=\"/audit?ns=checkout\"", rest);
    }

    [Fact]
    public async Task Audit_page_needs_admin_on_every_namespace_as_the_api()
    {
        await using var server = await StartAsync(anonymousGrants: ["admin:checkout"]);
        using var admin = server.CreateClient(AdminToken);
        var reader = await TokenAsync(admin, "reader", "config.read:*");
        var scoped = await TokenAsync(admin, "scoped", "admin:checkout");

        using var anonymous = new UiBrowser(server);
        Assert.Equal(HttpStatusCode.Found, (await anonymous.GetAsync("/audit")).Status);   // to the sign-in page
        foreach (var token in new[] { reader, scoped })
        {
            using var browser = new UiBrowser(server, token);
            var (status, body) = await browser.GetAsync("/audit");
            Assert.Equal(HttpStatusCode.Forbidden, status);
            Assert.DoesNotContain("data-audit-action", body);
        }
        using var allowed = new UiBrowser(server, AdminToken);
        Assert.Contains("data-audit-action=\"token.create\"", await allowed.PageAsync("/audit"));
    }

    [GeneratedRegex("<tr data-id=[^>]*>.*?<time datetime=\"[^\"]*\"", RegexOptions.Singleline)]
    private static partial Regex RowPattern();

    [GeneratedRegex("([a-z-]+)=\"([^\"]*)\"")]
    private static partial Regex AttributePattern();

    [GeneratedRegex("id=\"older\" href=\"([^\"]+)\"")]
    private static partial Regex OlderPattern();
}
