using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Strata.Tests.Infrastructure;

namespace Strata.Tests.Api;

/// <summary>Every kind of bad input gets a 4xx problem document naming the field and rule, and changes nothing.</summary>
public sealed class BadInputTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync(o => o
            .DefineNamespace(new NamespaceDefinition { Name = "strict", Strict = true })
            .Define(new SettingDefinition { Namespace = "strict", Key = "port", Type = SettingType.Int, Min = 1, Max = 65535 })
            .Define(new SettingDefinition { Namespace = "strict", Key = "name", Type = SettingType.String, Pattern = "[a-z]+", MaxLength = 8 }));
        await _server.PutJsonAsync("api/v1/settings/strict/port", """{"value": 80}""");
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<JsonElement> AssertRefusedAsync(HttpResponseMessage response, int status, string? field = null, string? rule = null)
    {
        var problem = await response.AssertProblemAsync(status);
        if (field is not null)
        {
            var error = problem.GetProperty("errors")[0];
            Assert.Equal(field, error.GetProperty("field").GetString());
            Assert.Equal(rule, error.GetProperty("rule").GetString());
        }
        Assert.Equal(1, await _server.RevisionAsync());
        Assert.Equal(80, (await (await _server.Http.GetAsync("api/v1/settings/strict/port")).ReadJsonAsync()).GetProperty("value").GetInt32());
        return problem;
    }

    private Task<HttpResponseMessage> Put(string path, string body) => _server.PutJsonAsync(path, body);

    [Theory]
    [InlineData("""{"value": 80""", "body", "json")]
    [InlineData("""{"value": 80,}""", "body", "json")]
    [InlineData("not json", "body", "json")]
    [InlineData("[1]", "body", "type")]
    [InlineData("""{"valu": 80}""", "valu", "unknownField")]
    [InlineData("""{"comment": "x"}""", "value", "required")]
    [InlineData("""{"value": 80, "comment": 5}""", "comment", "type")]
    public async Task Malformed_bodies_are_refused(string body, string field, string rule) =>
        await AssertRefusedAsync(await Put("api/v1/settings/strict/port", body), 400, field, rule);

    [Fact]
    public async Task An_empty_body_is_refused() =>
        await AssertRefusedAsync(await Put("api/v1/settings/strict/port", ""), 400, "body", "required");

    [Theory]
    [InlineData("\"80\"", "type")]
    [InlineData("80.5", "type")]
    [InlineData("null", "type")]
    [InlineData("0", "min")]
    [InlineData("70000", "max")]
    public async Task Values_of_the_wrong_type_or_out_of_range_are_refused(string value, string rule) =>
        await AssertRefusedAsync(await Put("api/v1/settings/strict/port", $"{{\"value\": {value}}}"), 400, "strict/port", rule);

    [Fact]
    public async Task Pattern_and_length_violations_are_all_reported()
    {
        var problem = await AssertRefusedAsync(await Put("api/v1/settings/strict/name", """{"value": "ABCDEFGHIJ"}"""), 400);
        Assert.Equal(["maxLength", "pattern"], problem.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("rule").GetString()));
    }

    [Fact]
    public async Task Unknown_keys_in_a_strict_namespace_are_refused() =>
        await AssertRefusedAsync(await Put("api/v1/settings/strict/typo", """{"value": 1}"""), 400, "strict/typo", "unknownKey");

    [Theory]
    [InlineData("api/v1/settings/strict/bad%20key")]
    [InlineData("api/v1/settings/bad$ns/key")]
    [InlineData("api/v1/settings/strict/_hidden")]
    [InlineData("config/strict/bad%20key")]
    public async Task Illegal_characters_in_names_are_refused(string path)
    {
        var problem = await AssertRefusedAsync(await Put(path, path.StartsWith("config") ? "1" : """{"value": 1}"""), 400);
        Assert.Equal("name", problem.GetProperty("errors")[0].GetProperty("rule").GetString());
        await (await _server.Http.GetAsync(path)).AssertProblemAsync(400);
    }

    [Theory]
    [InlineData("user")]
    [InlineData("user:")]
    [InlineData("us er:x")]
    [InlineData("project:42")]
    public async Task Malformed_or_disallowed_scopes_are_refused(string scope) =>
        await AssertRefusedAsync(await Put($"api/v1/settings/strict/port?scope={Uri.EscapeDataString(scope)}", """{"value": 81}"""), 400, "scope", "scope");

    [Fact]
    public async Task A_malformed_scope_chain_on_a_read_is_refused() =>
        await AssertRefusedAsync(await _server.Http.GetAsync("api/v1/settings/strict/port?scope=user"), 400, "scope", "scope");

    [Fact]
    public async Task Json_nested_deeper_than_the_limit_is_refused()
    {
        var deep = new string('[', 40) + new string(']', 40);
        await AssertRefusedAsync(await Put("api/v1/settings/open/deep", $"{{\"value\": {deep}}}"), 400, "body", "maxDepth");
    }

    [Fact]
    public async Task A_body_over_the_default_one_mebibyte_limit_is_refused_with_413()
    {
        var big = $"{{\"value\": \"{new string('x', 1024 * 1024)}\"}}";
        // Expect: 100-continue, as a client sending a large body should: the 413 comes before the body is sent, so the
        // answer cannot race the server closing a connection whose body it will not read.
        var request = new HttpRequestMessage(HttpMethod.Put, "api/v1/settings/open/big") { Content = new StringContent(big, Encoding.UTF8, "application/json") };
        request.Headers.ExpectContinue = true;
        await AssertRefusedAsync(await _server.Http.SendAsync(request), 413);
    }

    [Fact]
    public async Task A_chunked_body_over_a_configured_limit_is_refused_with_413()
    {
        await using var small = await TestServer.StartAsync(o => o.MaxRequestBodyBytes = 1000);
        var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes($"{{\"value\": \"{new string('x', 5000)}\"}}")));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var request = new HttpRequestMessage(HttpMethod.Put, "api/v1/settings/open/big") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        await (await small.Http.SendAsync(request)).AssertProblemAsync(413);
        Assert.Equal(0, await small.RevisionAsync());
    }

    [Theory]
    [InlineData("""{"changes": {}}""", "changes", "required")]
    [InlineData("""{"changes": [{"namespace": "strict", "key": "port"}]}""", "changes[0]", "shape")]
    [InlineData("""{"changes": [{"namespace": "strict", "key": "port", "value": 1, "reset": true}]}""", "changes[0]", "shape")]
    [InlineData("""{"changes": [{"namespace": "strict", "key": "port", "value": 1, "ifVersion": "x"}]}""", "changes[0].ifVersion", "type")]
    [InlineData("""{"changes": []}""", "changes", "required")]
    [InlineData("""{"changes": [{"namespace": "open", "key": "ok", "value": 1}, {"namespace": "strict", "key": "port", "value": -1}]}""", "strict/port", "min")]
    public async Task Bad_patches_are_refused_whole(string body, string field, string rule) =>
        await AssertRefusedAsync(await _server.Http.PatchAsync("api/v1/settings", new StringContent(body, Encoding.UTF8, "application/json")), 400, field, rule);

    [Theory]
    [InlineData("\"abc\"")]
    [InlineData("W/\"0\"")]
    public async Task A_malformed_or_wrong_if_match_never_writes_unconditionally(string ifMatch)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, "api/v1/settings/strict/port") { Content = new StringContent("""{"value": 81}""", Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        await AssertRefusedAsync(await _server.Http.SendAsync(request), 412);
    }

    [Theory]
    [InlineData("api/v1/settings/strict/port?asOf=yesterday", "asOf")]
    [InlineData("api/v1/settings/strict/port?at=notatime", "at")]
    [InlineData("api/v1/settings/strict/port?explain=maybe", "explain")]
    [InlineData("api/v1/settings/strict/port/history?limit=0", "limit")]
    [InlineData("api/v1/settings/strict/_diff", "from")]
    [InlineData("api/v1/export?format=xml", "format")]
    public async Task Bad_query_parameters_are_refused(string path, string field)
    {
        var problem = await (await _server.Http.GetAsync(path)).AssertProblemAsync(400);
        Assert.Equal(field, problem.GetProperty("errors")[0].GetProperty("field").GetString());
    }

    [Theory]
    [InlineData("api/v1/settings/strict/port/rollback", """{"version": "one"}""", "version")]
    [InlineData("api/v1/settings/strict/_rollback", """{"revision": -1}""", "revision")]
    [InlineData("api/v1/settings/strict/_rollback", """{"revision": 99}""", "revision")]
    [InlineData("config/patch", """{"updates": []}""", "updates")]
    [InlineData("config/patch", """{"updates": {"strict/port": "eighty"}}""", "strict/port")]
    [InlineData("api/v1/import", """{"format": "other/9", "settings": {}}""", "format")]
    [InlineData("api/v1/import", """{"settings": {"strict": {"global": {"port": 0}}}}""", "strict/port")]
    public async Task Bad_rollbacks_patches_and_imports_are_refused(string path, string body, string field)
    {
        var problem = await AssertRefusedAsync(await _server.PostJsonAsync(path, body), 400);
        Assert.Equal(field, problem.GetProperty("errors")[0].GetProperty("field").GetString());
    }

    [Fact]
    public async Task Unknown_routes_and_methods_get_problem_documents_not_bare_errors()
    {
        await (await _server.Http.GetAsync("api/v1/nothing")).AssertProblemAsync(404);
        var wrongMethod = await _server.PostJsonAsync("api/v1/settings/strict/port", "{}");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, wrongMethod.StatusCode);
        Assert.Equal(1, await _server.RevisionAsync());
    }
}
