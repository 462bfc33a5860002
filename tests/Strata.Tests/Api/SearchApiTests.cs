using System.Net.Http.Json;
using System.Text.Json;
using Strata.Security;
using Strata.Tests.Infrastructure;

namespace Strata.Tests.Api;

/// <summary><c>GET /api/v1/search</c> on the real server; every answer is checked against the OpenAPI document.</summary>
public sealed class SearchApiTests : IAsyncLifetime
{
    private const string AdminToken = "search-api-admin-0123456789abcdef";
    private TestServer _server = null!;
    private HttpClient _admin = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync(o =>
        {
            o.Define(new SettingDefinition { Namespace = "alpha", Key = "timeout", Type = SettingType.Int, Default = 30,
                Group = "Network", Description = "Seconds before a call to the payment provider is given up." });
            o.Define(new SettingDefinition { Namespace = "alpha", Key = "api_key", Type = SettingType.String, Sensitive = true, Group = "Payments" });
            o.Define(new SettingDefinition { Namespace = "beta", Key = "retry_timeout", Type = SettingType.Int, Default = 5 });
            o.EnvironmentVariables!["STRATA_ADMIN_TOKEN"] = AdminToken;
        }, anonymousGrants: [], masterKey: MasterKey.Generate());
        _admin = _server.CreateClient(AdminToken);
        (await _admin.PutAsync("api/v1/settings/alpha/api_key", JsonContent.Create(new { value = "sk-live-quokka-42" }))).EnsureSuccessStatusCode();
        (await _admin.PutAsync("api/v1/settings/beta/region", JsonContent.Create(new { value = "eu-west-1 timeout zone" }))).EnsureSuccessStatusCode();
    }

    public async Task DisposeAsync()
    {
        _admin.Dispose();
        await _server.DisposeAsync();
    }

    private async Task<HttpClient> ClientWithAsync(params string[] grants)
    {
        var created = await (await _admin.PostAsync("api/v1/tokens", JsonContent.Create(new { name = "searcher", grants }))).ReadJsonAsync();
        return _server.CreateClient(created.GetProperty("token").GetString()!);
    }

    private static async Task<JsonElement> SearchAsync(HttpClient client, string query)
    {
        using var response = await client.GetAsync($"api/v1/search?{query}");
        Assert.Equal(200, (int)response.StatusCode);
        return await response.ReadJsonAsync();
    }

    private static string[] Found(JsonElement body) =>
        [.. body.GetProperty("results").EnumerateArray().Select(r => $"{r.GetProperty("namespace").GetString()}/{r.GetProperty("key").GetString()}")];

    [Fact]
    public async Task A_search_answers_ranked_results_with_what_matched_and_the_revision()
    {
        using var response = await _admin.GetAsync("api/v1/search?q=TIMEOUT");
        var body = await response.ReadJsonAsync();

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal(["alpha/timeout", "beta/retry_timeout", "beta/region"], Found(body));
        Assert.Equal((3, 50, "TIMEOUT"), (body.GetProperty("total").GetInt32(), body.GetProperty("limit").GetInt32(), body.GetProperty("query").GetString()));
        Assert.Equal(_server.Engine.Current.Revision, body.GetProperty("revision").GetInt64());
        Assert.Equal(body.GetProperty("revision").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture),
            response.Headers.GetValues("Strata-Revision").Single());
        var first = body.GetProperty("results")[0];
        Assert.Equal(("Network", 30, "code", "int"), (first.GetProperty("group").GetString(), first.GetProperty("value").GetInt32(),
            first.GetProperty("source").GetString(), first.GetProperty("type").GetString()));
        Assert.StartsWith("Seconds before", first.GetProperty("description").GetString());
        Assert.Equal(["key"], first.GetProperty("matched").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal(["value"], body.GetProperty("results")[2].GetProperty("matched").EnumerateArray().Select(m => m.GetString()));
    }

    [Fact]
    public async Task A_token_that_reads_one_namespace_finds_nothing_in_another()
    {
        using var alphaReader = await ClientWithAsync("config.read:alpha");
        using var betaReader = await ClientWithAsync("config.read:beta");

        var inAlpha = await SearchAsync(alphaReader, "q=timeout");
        var regionFromAlpha = await SearchAsync(alphaReader, "q=eu-west");
        var keyFromBeta = await SearchAsync(betaReader, "q=payment");

        Assert.Equal(["alpha/timeout"], Found(inAlpha));
        Assert.Equal(1, inAlpha.GetProperty("total").GetInt32());
        Assert.Equal(0, regionFromAlpha.GetProperty("total").GetInt32());
        Assert.Empty(Found(regionFromAlpha));
        Assert.Empty(Found(keyFromBeta));
    }

    [Fact]
    public async Task A_caller_without_read_anywhere_is_refused_and_an_anonymous_one_asked_for_a_token()
    {
        using var writer = await ClientWithAsync("config.write:*");
        using var anonymous = _server.CreateClient();

        await (await writer.GetAsync("api/v1/search?q=timeout")).AssertProblemAsync(403);
        var unauthenticated = await anonymous.GetAsync("api/v1/search?q=timeout");
        await unauthenticated.AssertProblemAsync(401);
        Assert.Equal("Bearer", unauthenticated.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Fact]
    public async Task A_secret_is_never_matched_and_is_shown_masked()
    {
        var byValue = await SearchAsync(_admin, "q=quokka");
        var byMask = await SearchAsync(_admin, "q=" + Uri.EscapeDataString("********"));
        using var byKey = await _admin.GetAsync("api/v1/search?q=api_key");
        var text = await byKey.Content.ReadAsStringAsync();

        Assert.Equal(0, byValue.GetProperty("total").GetInt32());
        Assert.Equal(0, byMask.GetProperty("total").GetInt32());
        Assert.DoesNotContain("quokka", text);
        var secret = JsonSerializer.Deserialize<JsonElement>(text).GetProperty("results").EnumerateArray().Single();
        Assert.Equal(("********", true, true), (secret.GetProperty("value").GetString(), secret.GetProperty("masked").GetBoolean(),
            secret.GetProperty("sensitive").GetBoolean()));
    }

    [Fact]
    public async Task A_value_written_through_the_api_is_found_by_the_next_search()
    {
        Assert.Equal(0, (await SearchAsync(_admin, "q=wombat")).GetProperty("total").GetInt32());

        (await _admin.PutAsync("api/v1/settings/gamma/mascot", JsonContent.Create(new { value = "a wombat" }))).EnsureSuccessStatusCode();

        Assert.Equal(["gamma/mascot"], Found(await SearchAsync(_admin, "q=wombat")));
    }

    [Fact]
    public async Task The_limit_cuts_the_results_and_the_total_still_counts_every_match()
    {
        var two = await SearchAsync(_admin, "q=a&limit=2");
        var all = await SearchAsync(_admin, "q=a&limit=200");

        Assert.Equal(2, two.GetProperty("results").GetArrayLength());
        Assert.Equal(all.GetProperty("total").GetInt32(), two.GetProperty("total").GetInt32());
        Assert.True(all.GetProperty("total").GetInt32() > 2);
        Assert.Equal(Found(all)[..2], Found(two));
    }

    [Theory]
    [InlineData("", "q", "required")]
    [InlineData("q=", "q", "required")]
    [InlineData("q=%20%20", "q", "required")]
    [InlineData("q=timeout&limit=0", "limit", "range")]
    [InlineData("q=timeout&limit=201", "limit", "range")]
    [InlineData("q=timeout&limit=-1", "limit", "range")]
    [InlineData("q=timeout&limit=ten", "limit", "range")]
    [InlineData("q=a+b+c+d+e+f+g+h+i+j+k", "q", "maxItems")]
    public async Task A_bad_query_is_a_400_problem_naming_the_parameter(string query, string field, string rule)
    {
        var problem = await (await _admin.GetAsync($"api/v1/search?{query}")).AssertProblemAsync(400);

        var error = problem.GetProperty("errors")[0];
        Assert.Equal((field, rule), (error.GetProperty("field").GetString(), error.GetProperty("rule").GetString()));
    }

    [Fact]
    public async Task A_query_over_200_characters_is_a_400_problem()
    {
        var problem = await (await _admin.GetAsync($"api/v1/search?q={new string('x', 201)}")).AssertProblemAsync(400);

        Assert.Equal("maxLength", problem.GetProperty("errors")[0].GetProperty("rule").GetString());
        Assert.Equal(200, (int)(await _admin.GetAsync($"api/v1/search?q={new string('x', 200)}")).StatusCode);
    }
}
