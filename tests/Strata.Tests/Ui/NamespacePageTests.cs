using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Strata.Tests.Infrastructure;
using Xunit;

namespace Strata.Tests.Ui;

/// <summary>The namespace page over HTTP against the real server: browse, preview, save, conflicts, reset, reveal, CSRF.</summary>
public sealed class NamespacePageTests : IAsyncLifetime
{
    private const string Definitions = """
        namespaces:
          shop:
            description: The web shop
            settings:
              max_items:
                type: int
                default: 50
                min: 1
                max: 500
                group: Limits
                description: Items a cart may hold
                scopes: [global, user, project]
              timeout:
                type: duration
                default: 30s
                min: 1
                group: Limits
                restart_required: true
              ratio:
                type: float
                default: 0.5
                min: 0
                max: 1
                group: Limits
                level: advanced
              dark_mode:
                type: bool
                default: false
                group: Look
                scopes: [global, user, project]
              beta:
                type: bool
                group: Look
              theme:
                type: enum
                allowed: [light, dark]
                default: light
                group: Look
              title:
                type: string
                pattern: "[A-Z].*"
                max_length: 20
                group: Look
              rules:
                type: json
                group: Rules
                level: advanced
              api_key:
                type: string
                sensitive: true
                group: Secrets
        """;

    private readonly TempDirectory _dir = new();
    private TestServer _server = null!;
    private HttpClient _browser = null!;

    public async Task InitializeAsync() => (_server, _browser) = await StartAsync(null);

    public async Task DisposeAsync()
    {
        _browser.Dispose();
        await _server.DisposeAsync();
        _dir.Dispose();
    }

    private async Task<(TestServer, HttpClient)> StartAsync(string[]? anonymousGrants)
    {
        var server = await TestServer.StartAsync(o => o.EnvironmentVariables!["STRATA_shop__theme"] = "dark",
            definitionsFile: _dir.Write($"defs-{Guid.NewGuid():N}.yaml", Definitions), masterKey: Strata.Security.MasterKey.Generate(),
            anonymousGrants: anonymousGrants);
        // Keeps cookies, as a browser does (the antiforgery cookie goes with each form post); redirects are looked at, not followed.
        return (server, new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = server.Address });
    }

    private async Task<string> PageAsync(string path = "/ns/shop", HttpClient? client = null)
    {
        using var response = await (client ?? _browser).GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    private async Task PutAsync(string key, string json, string scope = "global", string? comment = null)
    {
        var body = comment is null ? $$"""{"value":{{json}}}""" : $$"""{"value":{{json}},"comment":"{{comment}}"}""";
        (await _server.PutJsonAsync($"api/v1/settings/shop/{key}?scope={scope}", body)).EnsureSuccessStatusCode();
    }

    private static string Section(string html, string key)
    {
        var m = Regex.Match(html, $"<section class=\"setting\" id=\"s-{Regex.Escape(key)}\".*?</section>", RegexOptions.Singleline);
        Assert.True(m.Success, $"no section for {key}");
        return m.Value;
    }

    private static string Role(string section, string role) =>
        WebUtility.HtmlDecode(Regex.Match(section, $"data-role=\"{role}\">(?<v>[^<]*)<").Groups["v"].Value);

    private async Task<JsonElement> ReadAsync(string key, string scope = "global") =>
        await _server.Http.GetFromJsonAsync<JsonElement>($"api/v1/settings/shop/{key}?scope={scope}");

    [Fact]
    public async Task Settings_are_grouped_with_basic_and_advanced_views_and_say_where_each_value_comes_from()
    {
        await PutAsync("max_items", "80", comment: "bigger carts");
        // Written often since: the page reads recent history once, and finds an older last change on its own.
        for (var i = 0; i < 10; i++) await PutAsync("title", $"\"T{i}\"", comment: $"title {i}");
        var html = await PageAsync();

        Assert.Contains("<legend>Limits</legend>", html);
        Assert.Contains("<legend>Look</legend>", html);
        Assert.DoesNotContain("data-key=\"ratio\"", html);
        Assert.DoesNotContain("<legend>Rules</legend>", html);
        Assert.Contains("id=\"view-advanced\"", html);

        var max = Section(html, "max_items");
        Assert.Contains("Items a cart may hold", max);
        Assert.Equal("80", Role(max, "value"));
        Assert.Equal("override at scope global", Role(max, "source"));
        Assert.Equal("50 (YAML)", Role(max, "default"));
        Assert.Equal("1", Role(max, "version"));
        Assert.Matches(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC by anonymous: “bigger carts”$", Role(max, "changed"));
        Assert.EndsWith("by anonymous: “title 9”", Role(Section(html, "title"), "changed"));
        Assert.Equal("environment variable STRATA_shop__theme", Role(Section(html, "theme"), "source"));
        Assert.Equal("dark", Role(Section(html, "theme"), "value"));
        Assert.Equal("YAML default", Role(Section(html, "timeout"), "source"));
        Assert.Contains("restart required", Section(html, "timeout"));
        Assert.DoesNotContain("restart required", max);

        var advanced = await PageAsync("/ns/shop?view=advanced");
        Assert.Contains("data-key=\"ratio\"", advanced);
        Assert.Contains("<legend>Rules</legend>", advanced);
        Assert.Contains("aria-current=\"page\" id=\"view-advanced\"", advanced);
    }

    [Fact]
    public async Task Each_type_gets_its_own_control_with_a_label_and_its_help_linked()
    {
        await PutAsync("extra", """{"beta":true}""");
        var html = await PageAsync("/ns/shop?view=advanced");

        Assert.Matches("<input type=\"number\" id=\"f-max_items\" name=\"v.max_items\" value=\"50\" step=\"1\" min=\"1\" max=\"500\"", html);
        Assert.Matches("<input type=\"number\" id=\"f-ratio\" name=\"v.ratio\" value=\"0.5\" step=\"any\" min=\"0\" max=\"1\"", html);
        Assert.Matches("<input type=\"checkbox\" role=\"switch\" id=\"f-dark_mode\" name=\"v.dark_mode\" value=\"true\"", html);
        Assert.Matches("<select id=\"f-theme\" name=\"v.theme\"[^>]*>\\s*<option value=\"light\">light</option>\\s*<option value=\"dark\" selected>dark</option>", html);
        Assert.Matches("<input type=\"text\" id=\"f-title\" name=\"v.title\" value=\"\" pattern=\"\\[A-Z\\]\\.\\*\" maxlength=\"20\"", html);
        Assert.Matches("<input type=\"text\" id=\"f-timeout\" name=\"v.timeout\" value=\"30s\"", html);
        Assert.Matches("<textarea id=\"f-rules\" name=\"v.rules\"[^>]*data-json=\"true\"", html);
        Assert.Matches("<input type=\"password\" id=\"f-api_key\" name=\"v.api_key\" value=\"\"", html);
        // A key without a definition is edited as JSON, in a group of its own.
        Assert.Contains("<legend>Undefined keys</legend>", html);
        var extra = Regex.Match(html, "<textarea id=\"f-extra\" name=\"v.extra\"[^>]*data-json=\"true\"[^>]*>(?<v>.*?)</textarea>", RegexOptions.Singleline);
        Assert.Equal("{\n  \"beta\": true\n}", WebUtility.HtmlDecode(extra.Groups["v"].Value));
        foreach (var key in new[] { "max_items", "ratio", "dark_mode", "theme", "title", "timeout", "rules", "api_key", "extra" })
            Assert.Contains($"<label for=\"f-{key}\">", html);
        Assert.Matches("id=\"f-max_items\"[^>]*aria-describedby=\"h-max_items c-max_items\"", html);
        Assert.Contains("<p class=\"help\" id=\"h-max_items\">Items a cart may hold</p>", html);
        Assert.Contains("src=\"/ui/assets/namespace.js?v=", html);
        Assert.Matches("data-watch=\"/api/v1/watch\\?ns=shop&amp;since=[0-9]+\"", html);
        Assert.DoesNotContain("style=", html);
        Assert.DoesNotContain("<script>", html);
        Assert.DoesNotContain(" onclick", html);
    }

    [Fact]
    public async Task A_value_the_rules_refuse_shows_the_APIs_message_by_its_field_and_saves_nothing()
    {
        var form = HtmlForm.Find(await PageAsync(), "settings-form").Set("v.max_items", "900").Set("v.title", "lower");
        var revision = await _server.RevisionAsync();

        using var preview = await form.PostAsync(_browser);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, preview.StatusCode);
        var html = await preview.Content.ReadAsStringAsync();
        // The API says the same for the same value.
        var api = await _server.PutJsonAsync("api/v1/settings/shop/max_items", """{"value":900}""");
        var message = (await api.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors")[0].GetProperty("message").GetString()!;
        Assert.Equal("'shop/max_items' must be at most 500.", message);
        Assert.Contains($"<p class=\"error\" id=\"e-max_items\">{WebUtility.HtmlEncode(message).Replace("&#x27;", "&#39;")}</p>", html.Replace("&#x27;", "&#39;"));
        Assert.Contains("id=\"e-title\">", Section(html, "title"));
        Assert.Contains("must match the pattern", Section(html, "title"));
        Assert.Matches("id=\"f-max_items\"[^>]*value=\"900\"[^>]*aria-describedby=\"h-max_items c-max_items e-max_items\" aria-invalid=\"true\"", html);
        Assert.DoesNotContain("id=\"save-button\"", html);

        using var save = await HtmlForm.Find(html, "settings-form").PostAsync(_browser, "/ns/shop/save");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, save.StatusCode);
        Assert.Equal(revision, await _server.RevisionAsync());
    }

    [Fact]
    public async Task Json_that_does_not_parse_is_refused_by_its_field()
    {
        var form = HtmlForm.Find(await PageAsync("/ns/shop?view=advanced"), "settings-form").Set("v.rules", "{\"a\": ");
        using var save = await form.PostAsync(_browser, "/ns/shop/save");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, save.StatusCode);
        Assert.Contains("This is not valid JSON", Section(await save.Content.ReadAsStringAsync(), "rules"));
        Assert.Equal(0, await _server.RevisionAsync());
    }

    [Fact]
    public async Task Preview_shows_the_diff_restart_warnings_and_the_consumers_watching_the_namespace()
    {
        var identity = new Dictionary<string, string> { ["Strata-Consumer-Application"] = "shop-web", ["Strata-Consumer-Instance"] = "web-7" };
        await using var watch = await SseStream.OpenAsync(_server.Http, "api/v1/watch?ns=shop", identity);
        await watch.NextAsync("heartbeat");
        var form = HtmlForm.Find(await PageAsync(), "settings-form")
            .Set("v.max_items", "75").Set("v.timeout", "45s").Switch("v.dark_mode", true).Set("v.api_key", "s3cret-value");

        using var preview = await form.PostAsync(_browser);
        Assert.Equal(HttpStatusCode.OK, preview.StatusCode);
        var html = await preview.Content.ReadAsStringAsync();
        var diff = Regex.Match(html, "<section class=\"card preview\".*?</section>", RegexOptions.Singleline).Value;
        Assert.Matches("data-key=\"max_items\">.*?<td class=\"mono old\">50</td>\\s*<td class=\"mono new\">75</td>", Flat(diff));
        Assert.Matches("data-key=\"dark_mode\">.*?old\">false</td>\\s*<td class=\"mono new\">true</td>", Flat(diff));
        Assert.Matches("data-key=\"timeout\">.*?restart required.*?old\">30s</td>\\s*<td class=\"mono new\">45s</td>", Flat(diff));
        Assert.Matches("data-key=\"api_key\">.*?old\">\\(none\\)</td>\\s*<td class=\"mono new\">\\*{8}</td>", Flat(diff));
        Assert.DoesNotContain("s3cret-value", diff);
        Assert.DoesNotContain("data-key=\"theme\"", diff);
        Assert.Contains("id=\"restart-warning\"", diff);
        Assert.Matches("<li data-instance=\"web-7\"><strong>shop-web</strong>", diff);
        Assert.Contains("id=\"save-button\"", html);
        Assert.Equal(0, await _server.RevisionAsync());

        using var saved = await HtmlForm.Find(html, "settings-form").PostAsync(_browser, "/ns/shop/save");
        Assert.Equal(HttpStatusCode.SeeOther, saved.StatusCode);
        Assert.Equal(75, (await ReadAsync("max_items")).GetProperty("value").GetInt32());
        Assert.Equal("s3cret-value", (await _server.Http.GetFromJsonAsync<JsonElement>("api/v1/settings/shop/api_key?reveal=true")).GetProperty("value").GetString());
    }

    private static string Flat(string html) => Regex.Replace(html, "\\s+", " ");

    [Fact]
    public async Task Save_commits_the_changed_fields_atomically_with_the_comment_in_history()
    {
        await PutAsync("theme", "\"light\"");
        var form = HtmlForm.Find(await PageAsync(), "settings-form")
            .Set("v.max_items", "120").Set("v.title", "Sale").Set("comment", "spring sale");

        using var saved = await form.PostAsync(_browser, "/ns/shop/save");
        Assert.Equal(HttpStatusCode.SeeOther, saved.StatusCode);
        Assert.Equal("/ns/shop?saved=2", saved.Headers.Location!.OriginalString);
        var history = await _server.Http.GetFromJsonAsync<JsonElement>("api/v1/settings/shop/max_items/history");
        var latest = history.GetProperty("history")[0];
        Assert.Equal(("spring sale", 2), (latest.GetProperty("comment").GetString(), latest.GetProperty("revision").GetInt32()));
        Assert.Equal("Sale", (await ReadAsync("title")).GetProperty("value").GetString());
        // Untouched fields were not written: the theme is still at its first version, a switch without a value has none.
        Assert.Equal(1, (await ReadAsync("theme")).GetProperty("version").GetInt32());
        Assert.Equal(HttpStatusCode.NotFound, (await _server.Http.GetAsync("api/v1/settings/shop/beta")).StatusCode);

        var page = await PageAsync(saved.Headers.Location.OriginalString);
        Assert.Contains("Saved as revision 2.", page);
        Assert.Equal("120", Role(Section(page, "max_items"), "value"));
    }

    [Fact]
    public async Task A_save_that_lost_a_race_shows_the_newer_value_and_keeps_mine_or_takes_theirs()
    {
        await PutAsync("max_items", "60");
        await PutAsync("title", "\"First\"");
        var form = HtmlForm.Find(await PageAsync(), "settings-form").Set("v.max_items", "70").Set("v.title", "Mine");
        await PutAsync("max_items", "65", comment: "from the API");
        await PutAsync("title", "\"Theirs\"");
        var revision = await _server.RevisionAsync();

        using var lost = await form.PostAsync(_browser, "/ns/shop/save");
        Assert.Equal(HttpStatusCode.Conflict, lost.StatusCode);
        Assert.Equal(revision, await _server.RevisionAsync());
        var html = await lost.Content.ReadAsStringAsync();
        var max = Section(html, "max_items");
        Assert.Contains("Changed to <code>65</code> (version 2) by anonymous", max);
        Assert.Contains("Yours: <code>70</code>", max);
        Assert.Contains("value=\"70\"", max);
        Assert.Contains("name=\"ver.max_items\" id=\"ver-max_items\" value=\"2\"", max);

        // Without a choice nothing is saved; then mine for max_items, theirs for title.
        var again = HtmlForm.Find(html, "settings-form");
        using var undecided = await again.PostAsync(_browser, "/ns/shop/save");
        Assert.Equal(HttpStatusCode.Conflict, undecided.StatusCode);
        var still = Section(await undecided.Content.ReadAsStringAsync(), "max_items");
        Assert.Contains("choose to keep your value or take theirs", still);
        Assert.Contains("name=\"choice.max_items\" value=\"mine\"", still);
        Assert.Equal(revision, await _server.RevisionAsync());
        using var decided = await again.Add("choice.max_items", "mine").Add("choice.title", "theirs").PostAsync(_browser, "/ns/shop/save");
        Assert.Equal(HttpStatusCode.SeeOther, decided.StatusCode);
        Assert.Equal((70, 3), ((await ReadAsync("max_items")).GetProperty("value").GetInt32(), (await ReadAsync("max_items")).GetProperty("version").GetInt32()));
        Assert.Equal("Theirs", (await ReadAsync("title")).GetProperty("value").GetString());
    }

    [Fact]
    public async Task Reset_to_default_removes_the_override_at_the_chosen_scope()
    {
        await PutAsync("max_items", "90");
        await PutAsync("max_items", "300", scope: "user:alice");
        var page = await PageAsync("/ns/shop?scope=user:alice");
        Assert.Contains("id=\"target-scope\">user:alice<", page);
        Assert.Contains("name=\"scope\" list=\"scope-options\" value=\"user:alice\"", page);
        Assert.Matches("data-watch=\"/api/v1/watch\\?ns=shop&amp;scope=user%3Aalice&amp;since=[0-9]+\"", page);
        Assert.Equal("override at scope user:alice", Role(Section(page, "max_items"), "source"));
        // The theme may only be set globally: read-only here, and refused by its field if posted all the same.
        Assert.Matches("<select id=\"f-theme\"[^>]*disabled", page);
        using (var forced = await HtmlForm.Find(page, "settings-form").Set("v.theme", "light").Set("orig.theme", "dark").PostAsync(_browser))
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, forced.StatusCode);
            Assert.Contains("cannot be set for scope", Section(await forced.Content.ReadAsStringAsync(), "theme"));
        }

        var form = HtmlForm.Find(page, "settings-form").Add("reset", "max_items");
        using var saved = await form.PostAsync(_browser, "/ns/shop/save");
        Assert.Equal(HttpStatusCode.SeeOther, saved.StatusCode);
        Assert.Equal("/ns/shop?saved=3&scope=user%3Aalice", saved.Headers.Location!.OriginalString);
        var after = await PageAsync(saved.Headers.Location.OriginalString);
        var max = Section(after, "max_items");
        Assert.Equal(("90", "override at scope global"), (Role(max, "value"), Role(max, "source")));
        Assert.Equal(90, (await ReadAsync("max_items", "user:alice")).GetProperty("value").GetInt32());
    }

    [Fact]
    public async Task Edits_at_a_user_scope_are_stored_there_and_merged_for_that_chain()
    {
        var form = HtmlForm.Find(await PageAsync("/ns/shop?scope=project:42,user:alice"), "settings-form").Switch("v.dark_mode", true);
        using var saved = await form.PostAsync(_browser, "/ns/shop/save");
        Assert.Equal(HttpStatusCode.SeeOther, saved.StatusCode);
        Assert.True((await ReadAsync("dark_mode", "project:42")).GetProperty("value").GetBoolean());
        Assert.False((await ReadAsync("dark_mode")).GetProperty("value").GetBoolean());
        var merged = await PageAsync("/ns/shop?scope=user:bob,project:42");
        Assert.Equal("override at scope project:42", Role(Section(merged, "dark_mode"), "source"));
    }

    [Fact]
    public async Task Reveal_shows_a_secret_to_a_caller_with_secrets_reveal_and_audits_it()
    {
        await PutAsync("api_key", "\"k-123456\"");
        var page = await PageAsync();
        Assert.DoesNotContain("k-123456", page);
        Assert.Equal("********", Role(Section(page, "api_key"), "value"));

        using var revealed = await HtmlForm.Find(page, "reveal-form").Add("key", "api_key").PostAsync(_browser);
        Assert.Equal(HttpStatusCode.OK, revealed.StatusCode);
        Assert.Contains("<code>k-123456</code>", Section(await revealed.Content.ReadAsStringAsync(), "api_key"));
        var audit = await _server.Engine.AuditLog.AuditAsync(new Strata.Storage.AuditQuery(Action: "secret.reveal"));
        Assert.Contains(audit, e => e.Namespace == "shop" && e.Key == "api_key");
    }

    [Fact]
    public async Task Reveal_without_secrets_reveal_is_refused_clearly_reveals_nothing_and_is_audited()
    {
        var (server, browser) = await StartAsync(["config.read:*", "config.write:*"]);
        await using var _ = server;
        using (browser)
        {
            (await server.PutJsonAsync("api/v1/settings/shop/api_key", """{"value":"k-654321"}""")).EnsureSuccessStatusCode();
            var page = await PageAsync(client: browser);
            using var refused = await HtmlForm.Find(page, "reveal-form").Add("key", "api_key").PostAsync(browser);
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            var html = await refused.Content.ReadAsStringAsync();
            Assert.Contains("Nothing was revealed: This needs secrets.reveal on &#x27;shop&#x27;.", html.Replace("&#39;", "&#x27;"));
            Assert.DoesNotContain("k-654321", html);
            var denied = await server.Engine.AuditLog.AuditAsync(new Strata.Storage.AuditQuery(Action: "access.denied"));
            Assert.Contains(denied, e => e.Namespace == "shop" && e.Detail!.Contains("secrets.reveal"));
        }
    }

    [Fact]
    public async Task A_form_post_without_the_antiforgery_token_is_refused_and_changes_nothing()
    {
        var form = HtmlForm.Find(await PageAsync(), "settings-form").Set("v.max_items", "99");
        var tokenField = form.Fields.Single(f => f.Key.StartsWith("__RequestVerificationToken", StringComparison.Ordinal) || f.Key.Contains("Antiforgery", StringComparison.Ordinal)).Key;

        using var save = await form.Without(tokenField).PostAsync(_browser, "/ns/shop/save");
        Assert.Equal(HttpStatusCode.BadRequest, save.StatusCode);
        using var foreign = await form.PostAsync(_server.CreateUncheckedClient(), "/ns/shop/save");
        Assert.Equal(HttpStatusCode.BadRequest, foreign.StatusCode);
        Assert.Equal(0, await _server.RevisionAsync());
    }
}
