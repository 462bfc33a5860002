using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Strata.Tests.Infrastructure;

namespace Strata.Tests.Api;

/// <summary>Input that is not exactly what it claims to be is refused with a 4xx problem, never repaired, guessed or answered with a 5xx.</summary>
public sealed class StrictInputTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync(o => o
            .Define(new SettingDefinition { Namespace = "typed", Key = "ratio", Type = SettingType.Float })
            .Define(new SettingDefinition { Namespace = "typed", Key = "name", Type = SettingType.String }));
        await _server.PutJsonAsync("api/v1/settings/typed/name", """{"value": "before"}""");
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<JsonElement> AssertRefusedAsync(HttpResponseMessage response, int status, string? rule = null)
    {
        var problem = await response.AssertProblemAsync(status);
        if (rule is not null) Assert.Equal(rule, problem.GetProperty("errors")[0].GetProperty("rule").GetString());
        Assert.Equal(1, await _server.RevisionAsync());
        Assert.Equal("before", (await (await _server.Http.GetAsync("api/v1/settings/typed/name")).ReadJsonAsync()).GetProperty("value").GetString());
        return problem;
    }

    private Task<HttpResponseMessage> PutWithIfMatchAsync(string ifMatch)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, "api/v1/settings/typed/name") { Content = Body("""{"value": "after"}""") };
        request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return _server.Http.SendAsync(request);
    }

    private static HttpContent Body(string json, string? mediaType = "application/json")
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(json));
        if (mediaType is not null) content.Headers.ContentType = MediaTypeHeaderValue.Parse(mediaType);
        return content;
    }

    [Theory]
    [InlineData("api/v1/settings/typed/name", "PUT", """{"value": "\ud800"}""")]
    [InlineData("api/v1/settings/typed/name", "PUT", """{"value": "\udc00\ud800"}""")]
    [InlineData("api/v1/settings/typed/name", "PUT", """{"value": "ok", "comment": "\ud83d"}""")]
    [InlineData("api/v1/settings", "PATCH", """{"changes": [{"namespace": "typed", "key": "name", "value": "\ud800x"}]}""")]
    [InlineData("config/patch", "POST", """{"updates": {"free/x": {"\ud800": 1}}}""")]
    [InlineData("config/free/x", "PUT", """["\udfff"]""")]
    public async Task A_lone_surrogate_escape_is_refused_as_invalid_json(string path, string method, string body) =>
        await AssertRefusedAsync(await _server.Http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = Body(body) }), 400, "json");

    [Fact]
    public async Task A_proper_surrogate_pair_is_kept_exactly()
    {
        var put = await _server.Http.PutAsync("api/v1/settings/free/emoji", Body("""{"value": "\ud83d\ude00 \\ud800 literal"}"""));

        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        var read = await (await _server.Http.GetAsync("api/v1/settings/free/emoji")).ReadJsonAsync();
        Assert.Equal("\U0001F600 \\ud800 literal", read.GetProperty("value").GetString());
    }

    [Theory]
    [InlineData("""{"value": "a", "value": "b"}""")]
    [InlineData("""{"value": {"x": 1, "x": 2}}""")]
    public async Task Duplicate_member_names_are_refused_not_resolved_silently(string body) =>
        await AssertRefusedAsync(await _server.Http.PutAsync("api/v1/settings/typed/name", Body(body)), 400, "duplicate");

    [Fact]
    public async Task Invalid_utf8_is_refused_not_stored_as_replacement_characters()
    {
        var bytes = Encoding.UTF8.GetBytes("""{"value": "xx"}""");
        bytes[11] = 0xff;
        bytes[12] = 0xfe;
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        await AssertRefusedAsync(await _server.Http.PutAsync("api/v1/settings/typed/name", content), 400, "json");
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("multipart/form-data; boundary=x")]
    [InlineData("application/xml")]
    public async Task A_json_body_labelled_as_another_media_type_is_415(string mediaType)
    {
        var problem = await AssertRefusedAsync(await _server.Http.PutAsync("api/v1/settings/typed/name", Body("""{"value": "after"}""", mediaType)), 415);
        Assert.Contains("application/json", problem.GetProperty("detail").GetString());
        await AssertRefusedAsync(await _server.Http.PostAsync("config/patch", Body("""{"updates": {"x": 1}}""", mediaType)), 415);
        await AssertRefusedAsync(await _server.Http.PostAsync("api/v1/import", Body("""{"settings": {}}""", mediaType)), 415);
    }

    [Theory]
    [InlineData("application/json; charset=utf-16")]
    [InlineData("application/json; charset=latin1")]
    public async Task A_json_body_declared_in_another_charset_is_415_not_read_as_utf8(string mediaType) =>
        await AssertRefusedAsync(await _server.Http.PutAsync("api/v1/settings/typed/name", Body("""{"value": "after"}""", mediaType)), 415);

    [Theory]
    [InlineData("application/yamlish")]
    [InlineData("text/notyaml")]
    [InlineData("application/yaml; charset=latin1")]
    public async Task Only_yaml_media_types_are_read_as_yaml(string mediaType) =>
        await AssertRefusedAsync(await _server.Http.PostAsync("api/v1/import", Body("settings: {}\n", mediaType)), 415);

    [Theory]
    [InlineData("W/\"1\"")]
    [InlineData("\"01\"")]
    [InlineData("\"+1\"")]
    public async Task A_weak_or_non_canonical_if_match_never_matches(string ifMatch)
    {
        await AssertRefusedAsync(await PutWithIfMatchAsync(ifMatch), 412);
    }

    [Theory]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("application/merge-patch+json")]
    [InlineData(null)]
    public async Task Json_media_types_and_an_unlabelled_body_are_taken_as_json(string? mediaType)
    {
        var put = await _server.Http.PutAsync("api/v1/settings/free/labelled", Body("""{"value": 1}""", mediaType));

        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
    }

    [Fact]
    public async Task A_content_type_sent_twice_is_json_only_if_both_say_so()
    {
        var twice = new HttpRequestMessage(HttpMethod.Put, "api/v1/settings/free/twice") { Content = Body("""{"value": 1}""") };
        twice.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
        var mixed = new HttpRequestMessage(HttpMethod.Put, "api/v1/settings/typed/name") { Content = Body("""{"value": "after"}""") };
        mixed.Content.Headers.TryAddWithoutValidation("Content-Type", "text/plain");

        await AssertRefusedAsync(await _server.Http.SendAsync(mixed), 415);
        Assert.Equal(HttpStatusCode.Created, (await _server.Http.SendAsync(twice)).StatusCode);
    }

    [Theory]
    [InlineData("1e309")]
    [InlineData("-1e309")]
    public async Task A_float_beyond_double_range_is_refused_not_stored_as_infinity(string number) =>
        await AssertRefusedAsync(await _server.PutJsonAsync("api/v1/settings/typed/ratio", $$"""{"value": {{number}}}"""), 400, "range");

    [Theory]
    [InlineData("garbage")]
    [InlineData("\"1")]
    [InlineData("1, 2")]
    public async Task A_malformed_if_match_is_a_400_not_a_412(string ifMatch)
    {
        var problem = await AssertRefusedAsync(await PutWithIfMatchAsync(ifMatch), 400);
        Assert.Equal("If-Match", problem.GetProperty("errors")[0].GetProperty("field").GetString());
    }

    [Fact]
    public async Task Two_etags_in_if_match_are_refused_because_a_write_has_one_precondition()
    {
        var request = new HttpRequestMessage(HttpMethod.Delete, "api/v1/settings/typed/name");
        request.Headers.TryAddWithoutValidation("If-Match", "\"1\", \"2\"");

        await AssertRefusedAsync(await _server.Http.SendAsync(request), 400, "shape");
    }

    [Theory]
    [InlineData("api/v1/settings/typed")]
    [InlineData("config")]
    public async Task A_malformed_if_none_match_is_a_400(string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.TryAddWithoutValidation("If-None-Match", "r1");

        var problem = await (await _server.Http.SendAsync(request)).AssertProblemAsync(400);
        Assert.Equal("If-None-Match", problem.GetProperty("errors")[0].GetProperty("field").GetString());
    }

    [Fact]
    public async Task A_matching_if_none_match_in_a_list_still_answers_304()
    {
        var etag = (await _server.Http.GetAsync("config")).Headers.ETag!.Tag;
        var request = new HttpRequestMessage(HttpMethod.Get, "config");
        request.Headers.TryAddWithoutValidation("If-None-Match", $"\"other\", {etag}");

        Assert.Equal(HttpStatusCode.NotModified, (await _server.Http.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task A_comment_longer_than_4096_characters_is_refused() =>
        await AssertRefusedAsync(await _server.PutJsonAsync("api/v1/settings/typed/name", $$"""{"value": "after", "comment": "{{new string('c', 4097)}}"}"""), 400, "maxLength");

    [Theory]
    [InlineData("api/v1/settings/typed/_diff?from=0&to=99", "to")]
    [InlineData("api/v1/settings/typed/_diff?from=99", "from")]
    [InlineData("api/v1/settings/typed?asOf=99", "asOf")]
    [InlineData("api/v1/settings/typed/name?asOf=99", "asOf")]
    public async Task A_revision_in_the_future_is_refused_not_clamped(string path, string field)
    {
        var problem = await (await _server.Http.GetAsync(path)).AssertProblemAsync(400);
        Assert.Equal((field, "range"), (problem.GetProperty("errors")[0].GetProperty("field").GetString(), problem.GetProperty("errors")[0].GetProperty("rule").GetString()));
    }

    [Fact]
    public async Task An_unknown_field_is_named_in_the_problem_only_in_part()
    {
        var problem = await AssertRefusedAsync(await _server.PutJsonAsync("api/v1/settings/typed/name", $$"""{"value": "after", "{{new string('z', 500)}}": 1}"""), 400, "unknownField");
        Assert.True(problem.GetRawText().Length < 1000);
    }

    [Theory]
    [InlineData("36501d")]
    [InlineData("99999999999d")]
    public async Task A_token_lifetime_past_a_century_is_refused_not_a_500(string expiresIn)
    {
        var response = await _server.PostJsonAsync("api/v1/tokens", $$"""{"name": "long", "grants": ["config.read:*"], "expiresIn": "{{expiresIn}}"}""");

        var problem = await response.AssertProblemAsync(400);
        Assert.Equal("expiresIn", problem.GetProperty("errors")[0].GetProperty("field").GetString());
        Assert.DoesNotContain("long", (await _server.Http.GetStringAsync("api/v1/tokens")).Replace("\"name\":\"admin\"", ""));
    }
}
