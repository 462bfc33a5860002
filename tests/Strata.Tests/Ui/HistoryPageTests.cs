using System.Net;
using System.Net.Http.Json;
using Strata.Security;
using Strata.Tests.Infrastructure;

namespace Strata.Tests.Ui;

/// <summary>Per-key and namespace history pages: versions, diffs and confirmed rollbacks, over the real server.</summary>
public sealed class HistoryPageTests
{
    private const string AdminToken = "ui-history-admin-token-0123456789abcdef";

    private static async Task<long> PutAsync(TestServer server, string path, string json, HttpClient? client = null)
    {
        using var response = await (client ?? server.Http).PutAsync("api/v1/settings/" + path,
            new StringContent($$"""{"value": {{json}}}""", System.Text.Encoding.UTF8, "application/json"));
        response.EnsureSuccessStatusCode();
        return (await response.ReadJsonAsync()).GetProperty("revision").GetInt64();
    }

    private static string? Stored(TestServer server, string ns, string key, string scope = "global") =>
        server.Engine.Current.Find(ns, key)?.At(scope)?.Json;

    [Fact]
    public async Task Key_history_lists_every_version_with_sensitive_values_masked()
    {
        await using var server = await TestServer.StartAsync(
            o => o.Define(new SettingDefinition { Namespace = "billing", Key = "api_key", Type = SettingType.String, Sensitive = true }),
            masterKey: MasterKey.Generate());
        await PutAsync(server, "billing/api_key", "\"sk-ui-first-51c2\"");
        var second = await PutAsync(server, "billing/api_key", "\"sk-ui-second-9d07\"");
        await PutAsync(server, "billing/currency", "\"EUR\"");
        await PutAsync(server, "billing/currency", "\"CHF\"");
        using var browser = new UiBrowser(server);

        var secret = await browser.PageAsync("/ns/billing/api_key/history");
        Assert.Contains("data-version=\"1\"", secret);
        Assert.Contains($"data-version=\"2\" data-revision=\"{second}\" data-current=\"true\"", secret);
        Assert.Equal(2, CountOf(secret, "data-masked=\"true\""));
        Assert.Contains("********", secret);
        Assert.DoesNotContain("sk-ui-first", secret);
        Assert.DoesNotContain("sk-ui-second", secret);
        // Comparing two masked versions says nothing about them, not even whether they are equal.
        var compared = await browser.PageAsync("/ns/billing/api_key/history?from=1&to=2");
        Assert.Contains("data-diff=\"masked\"", compared);
        Assert.DoesNotContain("sk-ui-", compared);

        var plain = await browser.PageAsync("/ns/billing/currency/history");
        Assert.Contains("<code class=\"value\" data-value=\"set\">&quot;EUR&quot;</code>", plain);
        Assert.Contains("<code class=\"value\" data-value=\"set\">&quot;CHF&quot;</code>", plain);
        Assert.Contains("href=\"/ns/billing\"", plain);
        Assert.Contains("href=\"/ns/billing/history\"", plain);
    }

    [Fact]
    public async Task Key_history_diffs_json_versions_line_by_line_and_scalars_as_old_to_new()
    {
        await using var server = await TestServer.StartAsync();
        await PutAsync(server, "checkout/rules", """{"limit": 1, "mode": "slow", "tags": ["a"]}""");
        await PutAsync(server, "checkout/rules", """{"limit": 1, "mode": "fast", "tags": ["a", "b"]}""");
        await PutAsync(server, "checkout/max_items", "5");
        await PutAsync(server, "checkout/max_items", "7");
        using var browser = new UiBrowser(server);

        var json = await browser.PageAsync("/ns/checkout/rules/history?from=1&to=2");
        Assert.Contains("data-diff=\"lines\"", json);
        Assert.Contains("<span class=\"diff-line\" data-kind=\"same\">  &quot;limit&quot;: 1,</span>", json);
        Assert.Contains("<del class=\"diff-line\" data-kind=\"removed\"><span class=\"visually-hidden\">removed: </span>  &quot;mode&quot;: &quot;slow&quot;,</del>", json);
        Assert.Contains("<ins class=\"diff-line\" data-kind=\"added\"><span class=\"visually-hidden\">added: </span>  &quot;mode&quot;: &quot;fast&quot;,</ins>", json);
        Assert.Contains("<ins class=\"diff-line\" data-kind=\"added\"><span class=\"visually-hidden\">added: </span>    &quot;b&quot;</ins>", json);
        Assert.DoesNotContain("data-kind=\"removed\"><span class=\"visually-hidden\">removed: </span>  &quot;limit", json);

        // The selects pick any two versions, in either order.
        var scalar = await browser.PageAsync("/ns/checkout/max_items/history?from=2&to=1");
        Assert.Contains("data-diff=\"scalar\"", scalar);
        Assert.Matches("data-diff=\"scalar\">\\s*<code class=\"value\" data-value=\"set\">7</code>.*<code class=\"value\" data-value=\"set\">5</code>", scalar);
        Assert.Contains("<option value=\"2\" selected>2</option>", scalar);

        var (status, _) = await browser.GetAsync("/ns/checkout/max_items/history?from=1&to=9");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        (status, _) = await browser.GetAsync("/ns/checkout/max_items/history?scope=bad%20scope");
        Assert.Equal(HttpStatusCode.BadRequest, status);
    }

    [Fact]
    public async Task Rollback_after_confirmation_commits_a_new_revision_with_the_old_value()
    {
        await using var server = await TestServer.StartAsync();
        await PutAsync(server, "checkout/max_items", "5");
        await PutAsync(server, "checkout/max_items", "7");
        using var browser = new UiBrowser(server);

        var history = await browser.PageAsync("/ns/checkout/max_items/history");
        Assert.Contains("href=\"/ns/checkout/max_items/rollback?scope=global&amp;version=1\"", history);
        // No rollback to the version the key is at.
        Assert.DoesNotContain("version=2\"", history);

        var confirm = await browser.PageAsync("/ns/checkout/max_items/rollback?scope=global&version=1");
        Assert.Matches("data-diff=\"scalar\">\\s*<code class=\"value\" data-value=\"set\">7</code>.*<code class=\"value\" data-value=\"set\">5</code>", confirm);
        var fields = UiBrowser.HiddenFields(confirm, "rollback-form");
        Assert.Contains(fields, f => f.Key == "__RequestVerificationToken");
        var before = server.Engine.Current.Revision;

        using var posted = await browser.PostAsync("/ns/checkout/max_items/rollback", [.. fields, new("comment", "too many items")]);
        Assert.Equal(HttpStatusCode.SeeOther, posted.StatusCode);
        Assert.Equal($"/ns/checkout/max_items/history?scope=global&restored=1&revision={before + 1}", posted.Headers.Location?.OriginalString);
        Assert.Equal("5", Stored(server, "checkout", "max_items"));
        var after = await browser.PageAsync(posted.Headers.Location!.OriginalString);
        Assert.Contains($"Rolled back to version 1 as revision {before + 1}.", after);
        Assert.Contains($"data-version=\"3\" data-revision=\"{before + 1}\" data-current=\"true\"", after);
        Assert.Contains("too many items", after);
    }

    [Fact]
    public async Task Rollback_is_refused_without_config_write_and_its_button_is_absent()
    {
        await using var server = await TestServer.StartAsync(o => o.EnvironmentVariables!["STRATA_ADMIN_TOKEN"] = AdminToken,
            anonymousGrants: ["config.read:*"]);
        using var admin = server.CreateClient(AdminToken);
        await PutAsync(server, "checkout/max_items", "5", admin);
        await PutAsync(server, "checkout/max_items", "7", admin);
        var reader = (await (await admin.PostAsync("api/v1/tokens", JsonContent.Create(new { name = "reader", grants = new[] { "config.read:*" } })))
            .ReadJsonAsync()).GetProperty("token").GetString()!;
        var revision = server.Engine.Current.Revision;

        foreach (var token in new[] { null, reader })
        {
            using var browser = new UiBrowser(server, token);
            var history = await browser.PageAsync("/ns/checkout/max_items/history");
            Assert.Contains("data-version=\"1\"", history);
            Assert.DoesNotContain("data-action=\"rollback\"", history);
            Assert.DoesNotContain(">Actions<", history);
            // Nobody signed in is sent to sign in; a signed-in reader is refused.
            var refused = token is null ? HttpStatusCode.Found : HttpStatusCode.Forbidden;
            Assert.Equal(refused, (await browser.GetAsync("/ns/checkout/max_items/rollback?version=1")).Status);

            // A valid form token: what refuses the post is the missing permission.
            var form = browser.MintToken(server);
            using var posted = await browser.PostAsync("/ns/checkout/max_items/rollback",
                [form, new("scope", "global"), new("version", "1"), new("expected", "2")]);
            Assert.Equal(refused, posted.StatusCode);
        }
        Assert.Equal("7", Stored(server, "checkout", "max_items"));
        Assert.Equal(revision, server.Engine.Current.Revision);
    }

    [Fact]
    public async Task Rollback_without_the_antiforgery_token_is_refused_with_400_and_changes_nothing()
    {
        await using var server = await TestServer.StartAsync();
        await PutAsync(server, "checkout/max_items", "5");
        await PutAsync(server, "checkout/max_items", "7");
        await PutAsync(server, "checkout/flags", """{"a": 1}""");
        using var browser = new UiBrowser(server);
        var revision = server.Engine.Current.Revision;

        var key = UiBrowser.HiddenFields(await browser.PageAsync("/ns/checkout/max_items/rollback?version=1"), "rollback-form");
        using var keyPost = await browser.PostAsync("/ns/checkout/max_items/rollback", key.Where(f => f.Key != "__RequestVerificationToken"));
        Assert.Equal(HttpStatusCode.BadRequest, keyPost.StatusCode);
        var ns = UiBrowser.HiddenFields(await browser.PageAsync($"/ns/checkout/rollback?revision={revision - 2}"), "rollback-form");
        using var nsPost = await browser.PostAsync("/ns/checkout/rollback", ns.Where(f => f.Key != "__RequestVerificationToken"));
        Assert.Equal(HttpStatusCode.BadRequest, nsPost.StatusCode);
        // A token from another browser does not match this one's cookie either.
        using var other = new UiBrowser(server);
        var foreign = UiBrowser.HiddenFields(await other.PageAsync("/ns/checkout/max_items/rollback?version=1"), "rollback-form")
            .Single(f => f.Key == "__RequestVerificationToken");
        using var forged = await browser.PostAsync("/ns/checkout/max_items/rollback", [.. key.Where(f => f.Key != "__RequestVerificationToken"), foreign]);
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);

        Assert.Equal("7", Stored(server, "checkout", "max_items"));
        Assert.Equal(revision, server.Engine.Current.Revision);
    }

    [Fact]
    public async Task A_write_between_confirmation_and_rollback_is_shown_not_overwritten()
    {
        await using var server = await TestServer.StartAsync();
        await PutAsync(server, "checkout/max_items", "5");
        await PutAsync(server, "checkout/max_items", "7");
        using var browser = new UiBrowser(server);
        var fields = UiBrowser.HiddenFields(await browser.PageAsync("/ns/checkout/max_items/rollback?version=1"), "rollback-form");

        await PutAsync(server, "checkout/max_items", "9");
        using var posted = await browser.PostAsync("/ns/checkout/max_items/rollback", fields);

        Assert.Equal(HttpStatusCode.Conflict, posted.StatusCode);
        var html = await posted.Content.ReadAsStringAsync();
        Assert.Contains("id=\"rollback-conflict\"", html);
        Assert.Contains("version 3 now", html);
        // The page shows the new value and a form to confirm again against it.
        Assert.Matches("data-diff=\"scalar\">\\s*<code class=\"value\" data-value=\"set\">9</code>", html);
        Assert.Contains(UiBrowser.HiddenFields(html, "rollback-form"), f => f is { Key: "expected", Value: "3" });
        Assert.Equal("9", Stored(server, "checkout", "max_items"));
    }

    [Fact]
    public async Task Namespace_history_lists_revisions_and_rolls_the_namespace_back_after_confirmation()
    {
        await using var server = await TestServer.StartAsync();
        var first = await PutAsync(server, "checkout/max_items", "5");
        await PutAsync(server, "checkout/currency", "\"EUR\"");
        var third = await PutAsync(server, "checkout/max_items?scope=user:bob", "9");
        using var browser = new UiBrowser(server);

        var history = await browser.PageAsync("/ns/checkout/history");
        Assert.Contains($"<tr data-revision=\"{third}\" data-current=\"true\">", history);
        Assert.Contains($"<tr data-revision=\"{first}\" data-current=\"false\">", history);
        Assert.Contains("<li data-key=\"max_items\" data-scope=\"user:bob\">", history);
        Assert.Contains("href=\"/ns/checkout/max_items/history?scope=user%3Abob\"", history);
        Assert.Contains($"href=\"/ns/checkout/rollback?revision={first}\"", history);
        Assert.DoesNotContain($"href=\"/ns/checkout/rollback?revision={third}\"", history);

        var confirm = await browser.PageAsync($"/ns/checkout/rollback?revision={first}");
        Assert.Contains("<li data-key=\"currency\" data-scope=\"global\">", confirm);
        Assert.Contains("<li data-key=\"max_items\" data-scope=\"user:bob\">", confirm);
        Assert.DoesNotContain("<li data-key=\"max_items\" data-scope=\"global\">", confirm);
        using var posted = await browser.PostAsync("/ns/checkout/rollback", UiBrowser.HiddenFields(confirm, "rollback-form"));

        Assert.Equal(HttpStatusCode.SeeOther, posted.StatusCode);
        Assert.Equal($"/ns/checkout/history?rolledBack={first}&revision={third + 1}", posted.Headers.Location?.OriginalString);
        Assert.Equal("5", Stored(server, "checkout", "max_items"));
        Assert.Null(Stored(server, "checkout", "currency"));
        Assert.Null(Stored(server, "checkout", "max_items", "user:bob"));
        var after = await browser.PageAsync(posted.Headers.Location!.OriginalString);
        Assert.Contains($"Returned to revision {first} as revision {third + 1}.", after);
        Assert.Contains($"rollback of checkout to revision {first}", after);
    }

    [Fact]
    public async Task Namespace_history_pages_by_revision()
    {
        await using var server = await TestServer.StartAsync();
        for (var i = 0; i < 30; i++) await PutAsync(server, $"checkout/key_{i}", i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var browser = new UiBrowser(server);

        var newest = await browser.PageAsync("/ns/checkout/history");
        Assert.Equal(25, CountOf(newest, "<tr data-revision="));
        var older = System.Text.RegularExpressions.Regex.Match(newest, "id=\"older\" href=\"([^\"]+)\"").Groups[1].Value;
        var rest = await browser.PageAsync(System.Net.WebUtility.HtmlDecode(older));
        Assert.Equal(5, CountOf(rest, "<tr data-revision="));
        Assert.Contains("data-key=\"key_0\"", rest);
        Assert.DoesNotContain("data-key=\"key_5\"", rest);
        Assert.DoesNotContain("id=\"older\"", rest);
        Assert.Contains("id=\"newest\"", rest);
    }

    [Fact]
    public async Task Key_history_pages_its_versions_and_diffs_versions_on_other_pages()
    {
        await using var server = await TestServer.StartAsync();
        for (var i = 1; i <= 101; i++) await PutAsync(server, "checkout/max_items", i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var browser = new UiBrowser(server);

        var newest = await browser.PageAsync("/ns/checkout/max_items/history");
        Assert.Equal(100, CountOf(newest, "<tr data-version="));
        Assert.DoesNotContain("data-version=\"1\"", newest);
        var older = System.Text.RegularExpressions.Regex.Match(newest, "id=\"older\" href=\"([^\"]+)\"").Groups[1].Value;
        var rest = await browser.PageAsync(System.Net.WebUtility.HtmlDecode(older));
        Assert.Equal(1, CountOf(rest, "<tr data-version="));
        Assert.Contains("data-version=\"1\"", rest);
        Assert.DoesNotContain("id=\"older\"", rest);
        Assert.Contains("id=\"newest\" href=\"/ns/checkout/max_items/history?scope=global\"", rest);

        var far = await browser.PageAsync("/ns/checkout/max_items/history?from=1&to=101");
        Assert.Matches("data-diff=\"scalar\">\\s*<code class=\"value\" data-value=\"set\">1</code>.*<code class=\"value\" data-value=\"set\">101</code>", far);
    }

    private static int CountOf(string text, string part) => (text.Length - text.Replace(part, "", StringComparison.Ordinal).Length) / part.Length;
}
