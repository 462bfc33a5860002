using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Strata.Tests.Infrastructure;

namespace Strata.Tests.Api;

/// <summary>The served OpenAPI document is complete, and the contract check that every API test goes through is strict.</summary>
public sealed class OpenApiDocumentTests(OpenApiServerFixture fixture) : IClassFixture<OpenApiServerFixture>
{
    private static readonly HashSet<string> AnonymousPaths = ["/healthz", "/readyz", "/openapi/strata.json"];
    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch", "head", "options", "trace"];
    private readonly TestServer _server = fixture.Server;
    private readonly OpenApiContract _contract = fixture.Contract;

    private IEnumerable<(string Path, string Method, JsonElement Operation)> Operations() =>
        _contract.Document.GetProperty("paths").EnumerateObject().SelectMany(path => path.Value.EnumerateObject()
            .Where(o => Methods.Contains(o.Name)).Select(o => (path.Name, o.Name, o.Value)));

    [Fact]
    public void Every_operation_has_a_unique_id_a_summary_a_success_and_an_error_status()
    {
        var problems = new List<string>();
        var ids = new HashSet<string>();
        foreach (var (path, method, op) in Operations())
        {
            var where = $"{method.ToUpperInvariant()} {path}";
            if (!op.TryGetProperty("operationId", out var id) || string.IsNullOrEmpty(id.GetString())) problems.Add($"{where}: no operationId");
            else if (!ids.Add(id.GetString()!)) problems.Add($"{where}: operationId {id} is not unique");
            if (!op.TryGetProperty("summary", out var summary) || string.IsNullOrWhiteSpace(summary.GetString())) problems.Add($"{where}: no summary");
            var statuses = op.GetProperty("responses").EnumerateObject().Select(r => r.Name).ToList();
            if (!statuses.Any(s => s.StartsWith('2'))) problems.Add($"{where}: no 2xx status");
            if (!AnonymousPaths.Contains(path) && !statuses.Any(s => s.StartsWith('4'))) problems.Add($"{where}: no 4xx status");
        }
        Assert.Empty(problems);
        Assert.True(ids.Count >= 33, $"only {ids.Count} operations");
    }

    [Fact]
    public void Every_operation_but_health_and_the_document_needs_the_bearer_scheme_and_says_what_refusal_looks_like()
    {
        var doc = _contract.Document;
        var scheme = doc.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer");
        Assert.Equal(("http", "bearer"), (scheme.GetProperty("type").GetString(), scheme.GetProperty("scheme").GetString()));
        Assert.Contains("AnonymousGrants", scheme.GetProperty("description").GetString());
        Assert.True(doc.GetProperty("security")[0].TryGetProperty("bearer", out _));

        var problems = new List<string>();
        foreach (var (path, method, op) in Operations())
        {
            var where = $"{method.ToUpperInvariant()} {path}";
            var security = op.GetProperty("security");
            if (AnonymousPaths.Contains(path))
            {
                if (security.GetArrayLength() != 0) problems.Add($"{where}: should need no token (security: [])");
                continue;
            }
            if (security.GetArrayLength() != 1 || !security[0].TryGetProperty("bearer", out _)) problems.Add($"{where}: no bearer security");
            var responses = op.GetProperty("responses");
            foreach (var status in new[] { "401", "403", "429", "503" })
                if (!responses.TryGetProperty(status, out _)) problems.Add($"{where}: {status} not listed");
            foreach (var (status, header) in new[] { ("401", "WWW-Authenticate"), ("429", "Retry-After"), ("503", "Retry-After") })
                if (responses.TryGetProperty(status, out var r) && !_contract.Schemas.Resolve(r).GetProperty("headers").TryGetProperty(header, out _))
                    problems.Add($"{where}: {status} without the {header} header");
        }
        Assert.Empty(problems);
    }

    [Fact]
    public void Every_error_is_a_problem_document_and_bad_input_lists_its_failed_rules()
    {
        var problems = new List<string>();
        foreach (var (path, method, op) in Operations().Where(o => !AnonymousPaths.Contains(o.Path)))
            foreach (var response in op.GetProperty("responses").EnumerateObject().Where(r => r.Name[0] is '4' or '5'))
            {
                var where = $"{method.ToUpperInvariant()} {path} {response.Name}";
                if (!_contract.Schemas.Resolve(response.Value).TryGetProperty("content", out var content) || !content.TryGetProperty("application/problem+json", out var media))
                {
                    problems.Add($"{where}: not application/problem+json");
                    continue;
                }
                var schema = _contract.Schemas.Resolve(media.GetProperty("schema"));
                var required = schema.GetProperty("required").EnumerateArray().Select(r => r.GetString()).ToList();
                if (!required.Contains("type") || !required.Contains("status")) problems.Add($"{where}: schema is not a problem document");
                if (response.Name == "400" && !required.Contains("errors")) problems.Add($"{where}: 400 without errors[]");
                if (response.Name == "412" && !required.Contains("currentVersion")) problems.Add($"{where}: 412 without currentVersion");
            }
        Assert.Empty(problems);
    }

    [Fact]
    public void Every_path_parameter_has_a_pattern_and_length_limit_and_every_query_parameter_a_type()
    {
        var problems = new List<string>();
        foreach (var (path, method, op) in Operations())
        {
            var where = $"{method.ToUpperInvariant()} {path}";
            var parameters = op.TryGetProperty("parameters", out var list) ? list.EnumerateArray().ToList() : [];
            foreach (var name in path.Split('/').Where(s => s.StartsWith('{')).Select(s => s.Trim('{', '}')))
            {
                var parameter = parameters.FirstOrDefault(p => p.GetProperty("name").GetString() == name && p.GetProperty("in").GetString() == "path");
                if (parameter.ValueKind == JsonValueKind.Undefined) problems.Add($"{where}: path parameter {name} not described");
                else if (!parameter.GetProperty("schema").TryGetProperty("pattern", out _) || !parameter.GetProperty("schema").TryGetProperty("maxLength", out _))
                    problems.Add($"{where}: path parameter {name} without pattern and maxLength");
            }
            foreach (var parameter in parameters.Where(p => p.GetProperty("in").GetString() is "query" or "header"))
                if (!parameter.GetProperty("schema").TryGetProperty("type", out _))
                    problems.Add($"{where}: parameter {parameter.GetProperty("name")} has no type");
        }
        Assert.Empty(problems);

        var read = Operations().Single(o => o.Operation.GetProperty("operationId").GetString() == "getSetting").Operation;
        Assert.Equal(["ns", "key", "scope", "explain", "reveal", "asOf", "at"],
            read.GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString()!));
        var limit = Operations().Single(o => o.Operation.GetProperty("operationId").GetString() == "queryAudit").Operation
            .GetProperty("parameters").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "limit").GetProperty("schema");
        Assert.Equal((1, 1000), (limit.GetProperty("minimum").GetInt32(), limit.GetProperty("maximum").GetInt32()));
    }

    [Fact]
    public void Every_request_body_has_a_schema_and_answers_400_413_and_415_and_import_also_takes_yaml()
    {
        var problems = new List<string>();
        var bodies = 0;
        foreach (var (path, method, op) in Operations().Where(o => o.Operation.TryGetProperty("requestBody", out _)))
        {
            bodies++;
            var where = $"{method.ToUpperInvariant()} {path}";
            var content = op.GetProperty("requestBody").GetProperty("content");
            if (!content.TryGetProperty("application/json", out var json) || !json.TryGetProperty("schema", out _)) problems.Add($"{where}: no JSON schema");
            foreach (var status in new[] { "400", "413", "415" })
                if (!op.GetProperty("responses").TryGetProperty(status, out _)) problems.Add($"{where}: {status} not listed");
        }
        Assert.Empty(problems);
        Assert.Equal(9, bodies);
        var import = _contract.Document.GetProperty("paths").GetProperty("/api/v1/import").GetProperty("post").GetProperty("requestBody").GetProperty("content");
        Assert.Equal(["application/json", "application/yaml", "application/x-yaml", "text/yaml"], import.EnumerateObject().Select(m => m.Name));
    }

    [Fact]
    public void Every_endpoint_the_server_maps_is_in_the_document()
    {
        // The web UI's pages and assets are left out of the API's description on purpose.
        var mapped = _server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.IExcludeFromDescriptionMetadata>() is not { ExcludeFromDescription: true })
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                .Select(m => (Method: m.ToLowerInvariant(), Path: "/" + e.RoutePattern.RawText!.Trim('/').Replace("{documentName:regex(^strata$)}", "strata"))))
            .ToList();
        var paths = _contract.Document.GetProperty("paths");
        var missing = mapped.Where(e => !paths.TryGetProperty(e.Path, out var item) || !item.TryGetProperty(e.Method, out _)).ToList();
        Assert.Empty(missing);
        Assert.True(mapped.Count >= 33, $"only {mapped.Count} endpoints mapped");
    }

    [Fact]
    public async Task Every_typed_query_parameter_the_document_declares_is_enforced_by_the_server()
    {
        var revision = await _server.RevisionAsync();
        var tried = new List<string>();
        var wrong = new List<string>();
        foreach (var (path, method, op) in Operations().Where(o => !AnonymousPaths.Contains(o.Path) && o.Operation.TryGetProperty("parameters", out _)))
            foreach (var parameter in op.GetProperty("parameters").EnumerateArray().Where(p => p.GetProperty("in").GetString() == "query"))
                foreach (var bad in BadValues(_contract.Schemas.Resolve(parameter.GetProperty("schema"))))
                {
                    var url = $"{Fill(path, "app", "x")}?{parameter.GetProperty("name").GetString()}={Uri.EscapeDataString(bad)}";
                    var status = await SendAsync(method, url);
                    tried.Add(url);
                    if (status != 400) wrong.Add($"{method.ToUpperInvariant()} {url} answered {status}, not 400");
                }
        Assert.Empty(wrong);
        Assert.True(tried.Count >= 40, $"only {tried.Count} bad values tried");
        Assert.Equal(revision, await _server.RevisionAsync());
    }

    [Fact]
    public async Task A_name_off_the_documented_pattern_or_length_is_refused_on_every_path_that_takes_one()
    {
        var revision = await _server.RevisionAsync();
        var wrong = new List<string>();
        var tried = 0;
        foreach (var (path, method, op) in Operations().Where(o => o.Path.Contains("{ns}", StringComparison.Ordinal) || o.Path.Contains("{key}", StringComparison.Ordinal)))
            foreach (var bad in new[] { "bad%20name", "-leading-dash", new string('n', 129), "caf%C3%A9" })
            {
                var url = Fill(path, path.Contains("{key}", StringComparison.Ordinal) ? "app" : bad, bad);
                var status = await SendAsync(method, url);
                tried++;
                if (status is not (400 or 404)) wrong.Add($"{method.ToUpperInvariant()} {url} answered {status}");
            }
        Assert.Empty(wrong);
        Assert.True(tried >= 60, $"only {tried} requests");
        Assert.Equal(revision, await _server.RevisionAsync());
    }

    [Theory]
    [InlineData("")]
    [InlineData("global")]
    [InlineData("GLOBAL")]
    [InlineData("user:alice")]
    [InlineData("user:a.b@c-d_e")]
    [InlineData("user:")]
    [InlineData(":alice")]
    [InlineData("1user:alice")]
    [InlineData("user:al ice")]
    [InlineData("user")]
    [InlineData("user:a:b")]
    public void The_documented_scope_pattern_accepts_exactly_what_the_server_does(string scope)
    {
        var parameter = Operations().Single(o => o.Operation.GetProperty("operationId").GetString() == "putSetting").Operation
            .GetProperty("parameters").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "scope");
        var pattern = parameter.GetProperty("schema").GetProperty("pattern").GetString()!;
        Assert.Equal(Strata.Naming.Scope.TryNormalize(scope, out _) is not null, System.Text.RegularExpressions.Regex.IsMatch(scope, pattern));
        foreach (var length in new[] { 128, 129 })
        {
            var longId = "user:" + new string('a', length);
            Assert.Equal(Strata.Naming.Scope.TryNormalize(longId, out _) is not null, System.Text.RegularExpressions.Regex.IsMatch(longId, pattern));
        }
    }

    [Theory]
    [InlineData("user:alice,project:42")]
    [InlineData(" user:alice , global ")]
    [InlineData("user:alice,,project:42,")]
    [InlineData("user:alice;project:42")]
    [InlineData("alice")]
    public void The_documented_scope_chain_pattern_accepts_exactly_what_the_server_does(string chain)
    {
        var parameter = Operations().Single(o => o.Operation.GetProperty("operationId").GetString() == "getSetting").Operation
            .GetProperty("parameters").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "scope");
        var pattern = parameter.GetProperty("schema").GetProperty("pattern").GetString()!;
        Assert.Equal(Strata.Naming.ScopeChain.TryParse(chain, out _) is not null, System.Text.RegularExpressions.Regex.IsMatch(chain, pattern));
    }

    private static string Fill(string path, string ns, string key) =>
        path.TrimStart('/').Replace("{ns}", ns).Replace("{key}", key).Replace("{id}", "t000000000000");

    // A body each write would accept, so that only the parameter under test is wrong.
    private async Task<int> SendAsync(string method, string url)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method.ToUpperInvariant()), url);
        var body = (method, url) switch
        {
            ("put", _) when url.StartsWith("config/", StringComparison.Ordinal) => "1",
            ("put", _) => """{"value": 1}""",
            ("post", _) when url.Contains("/rollback", StringComparison.Ordinal) => """{"version": 1}""",
            ("post", _) when url.Contains("/_rollback", StringComparison.Ordinal) => """{"revision": 0}""",
            _ => null,
        };
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await _server.Http.SendAsync(request);
        return (int)response.StatusCode;
    }

    private static IEnumerable<string> BadValues(JsonElement schema)
    {
        var type = schema.TryGetProperty("type", out var t) ? t.GetString() : null;
        if (type == "array") schema = schema.GetProperty("items");
        if (type == "integer")
        {
            yield return "x";
            yield return "1.5";
            if (schema.TryGetProperty("minimum", out var min)) yield return (min.GetInt64() - 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (schema.TryGetProperty("maximum", out var max)) yield return (max.GetInt64() + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        if (type == "boolean") yield return "maybe";
        if (schema.TryGetProperty("format", out var format) && format.GetString() == "date-time") yield return "yesterday";
        if (schema.TryGetProperty("enum", out _)) yield return "nope";
        if (schema.TryGetProperty("pattern", out var pattern))
        {
            const string bad = "bad value!";
            Assert.DoesNotMatch(pattern.GetString()!, bad);
            yield return bad;
        }
    }

    [Theory]
    [InlineData("/api/v1/settings/bad%20key/x", "/api/v1/settings/{ns}/{key}")]
    [InlineData("/api/v1/settings/billing/_history", "/api/v1/settings/{ns}/_history")]
    [InlineData("/api/v1/settings/_schema", "/api/v1/settings/_schema")]
    [InlineData("/API/V1/SETTINGS/_schema/", "/api/v1/settings/_schema")]
    [InlineData("/api/v1/settings/a%2Fb", "/api/v1/settings/{ns}")]
    [InlineData("/api/v1/keys/", "/api/v1/keys")]
    [InlineData("/config/app/x", "/config/{ns}/{key}")]
    [InlineData("/config/patch", "/config/patch")]
    [InlineData("/api/v1/settings/a/b/c/d", null)]
    public void A_request_path_matches_its_template_literals_first(string path, string? template) =>
        Assert.Equal(template, _contract.Match(path));

    [Fact]
    public void The_check_refuses_an_unlisted_status_or_content_type_and_a_body_off_its_schema()
    {
        string? Check(int status, string body, string type = "application/json", string path = "/api/v1/revision") =>
            _contract.Check(HttpMethod.Get, path, status, new MediaTypeHeaderValue(type), Encoding.UTF8.GetBytes(body));

        Assert.Null(Check(200, """{"revision": 3}"""));
        Assert.Contains("status 418 is not listed for operation getRevision", Check(418, """{"revision": 3}"""));
        Assert.Contains("content type text/plain is not listed", Check(200, "3", "text/plain"));
        Assert.Contains("property 'extra' is not in the schema", Check(200, """{"revision": 3, "extra": 1}"""));
        Assert.Contains("\"3\" is not of type integer", Check(200, """{"revision": "3"}"""));
        Assert.Contains("required property 'revision' is missing", Check(200, "{}"));
        Assert.Contains("-1 is below 0", Check(200, """{"revision": -1}"""));
        Assert.Contains("does not match ValidationProblem: $: required property 'errors' is missing",
            Check(400, """{"type": "urn:strata:problem:validation", "title": "t", "status": 400}""", "application/problem+json", "/api/v1/settings/a/b"));
        Assert.Contains("is not one of", Check(200, """{"namespace": "a", "key": "b", "value": 1, "source": "nowhere"}""", path: "/api/v1/settings/a/b"));
        Assert.Contains("so the answer must be 404", Check(200, "{}", path: "/api/v1/nothing"));
        Assert.Null(Check(404, "", path: "/api/v1/nothing"));
        Assert.Contains("so the answer must be 405", _contract.Check(HttpMethod.Put, "/api/v1/audit", 200, null, []));
        Assert.Contains("documents the header Strata-Revision for 200, but the answer has none",
            _contract.Check(HttpMethod.Get, "/api/v1/settings", 200, new MediaTypeHeaderValue("application/json"), """{"revision": 1, "namespaces": []}"""u8.ToArray(), []));
    }

    [Fact]
    public async Task An_answer_the_document_does_not_allow_fails_the_request_that_got_it()
    {
        // The served document without 201 for putSetting: the first write (a creation) must be refused by the check.
        var document = JsonNode.Parse(_contract.Document.GetRawText())!;
        document["paths"]!["/api/v1/settings/{ns}/{key}"]!["put"]!["responses"]!.AsObject().Remove("201");
        var edited = new OpenApiContract(JsonSerializer.Deserialize<JsonElement>(document.ToJsonString()));
        using var http = OpenApiContractHandler.Client(_server.Address, contract: new(() => Task.FromResult(edited)));

        var failure = await Assert.ThrowsAsync<OpenApiContractException>(() =>
            http.PutAsync("api/v1/settings/app/limit", new StringContent("""{"value": 5}""", Encoding.UTF8, "application/json")));
        Assert.StartsWith("PUT /api/v1/settings/app/limit answered 201", failure.Message);
        Assert.Contains("status 201 is not listed for operation putSetting", failure.Message);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("api/v1/settings/app/limit")).StatusCode);
    }
}
