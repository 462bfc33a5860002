using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;

namespace Strata.Http.OpenApi;

/// <summary>
/// Completes the generated document from each endpoint's <see cref="OperationContract"/>: parameters with their
/// limits, request bodies, every status with its schema and headers, the bearer scheme, and the endpoints the
/// generator does not see (health, this document). Statuses implied by an operation's kind are added here, once:
/// every authenticated operation answers 401, 403, 429 and 503; every body 400, 413 and 415; If-Match 400 and 412.
/// </summary>
internal sealed class ApiDocumentTransformer : IOpenApiDocumentTransformer
{
    public const string Bearer = "bearer";
    private const string ProblemJson = "application/problem+json";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info = new OpenApiInfo
        {
            Title = "Strata",
            Version = "v1",
            Description = "Runtime settings service: typed registry, layered resolution with provenance, versioned durable store. "
                + "Errors are RFC 9457 problem documents (application/problem+json).",
        };
        ApiSchemas.AddTo(document);
        document.Components!.Responses ??= new Dictionary<string, IOpenApiResponse>();
        foreach (var status in FailureStatuses) document.Components.Responses[FailureName(status)] = Failure(status, document);
        document.Components!.SecuritySchemes = new Dictionary<string, IOpenApiSecurityScheme>
        {
            [Bearer] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "An API token (strata_…) as Authorization: Bearer <token>. A request without one is anonymous: it "
                    + "gets only what Strata:AnonymousGrants grants (nothing by default), and 401 otherwise.",
            },
        };
        document.Security = [Requirement(document)];

        foreach (var api in context.DescriptionGroups.SelectMany(g => g.Items))
        {
            if (api.ActionDescriptor.EndpointMetadata.OfType<OperationContract>().FirstOrDefault() is not { } contract) continue;
            var path = "/" + api.RelativePath!.TrimEnd('/');
            if (document.Paths?.TryGetValue(path, out var item) != true || item!.Operations is null) continue;
            var method = HttpMethod.Parse(api.HttpMethod);
            if (!item.Operations.TryGetValue(method, out var operation)) continue;
            var name = api.ActionDescriptor.EndpointMetadata.OfType<IEndpointNameMetadata>().FirstOrDefault()?.EndpointName;
            if (name is not null) operation.OperationId = method == HttpMethod.Head ? name + "Head" : name;
            Describe(operation, path, contract, document);
        }
        AddUnlisted(document, context.ApplicationServices.GetRequiredService<Health.HealthMapping>().Mapped);
        return Task.CompletedTask;
    }

    private static OpenApiSecurityRequirement Requirement(OpenApiDocument document) =>
        new() { [new OpenApiSecuritySchemeReference(Bearer, document)] = [] };

    private static void Describe(OpenApiOperation operation, string path, OperationContract contract, OpenApiDocument document)
    {
        var parameters = new List<IOpenApiParameter>();
        foreach (var segment in path.Split('/').Where(s => s.StartsWith('{')))
            parameters.Add(ApiParameters.Path(segment.Trim('{', '}')));
        parameters.AddRange(contract.Query.Select(ApiParameters.Query));
        if (contract.IfMatch)
            parameters.Add(ApiParameters.Header("If-Match", "Write only if the key is at this version: an ETag from a read (\"3\", \"0\" when unset) or *. Stale: 412; malformed: 400."));
        if (contract.IfNoneMatch)
            parameters.Add(ApiParameters.Header("If-None-Match", "An ETag from an earlier read (or *): 304 while it is current. Malformed: 400."));
        operation.Parameters = parameters;

        var failures = new SortedSet<int>(contract.Failures);
        if (contract.Body is { } body)
        {
            var content = new Dictionary<string, OpenApiMediaType> { [OperationContractExtensions.Json] = Media(body, document) };
            if (contract.BodyYaml)
                foreach (var yaml in new[] { "application/yaml", "application/x-yaml", "text/yaml" })
                    content[yaml] = Media(body, document);
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Description = contract.BodyYaml ? "JSON, or YAML with a yaml content type." : "JSON (application/json).",
                Content = content,
            };
            failures.UnionWith([400, 413, 415]);
        }
        if (contract.Query.Count > 0 || contract.IfMatch || contract.IfNoneMatch) failures.Add(400);
        if (contract.IfMatch) failures.Add(412);
        if (contract.Decrypts) failures.Add(500);
        // Every mapped operation needs a token (health and this document are added by AddUnlisted).
        failures.UnionWith([401, 403, 429, 503]);
        operation.Security = [Requirement(document)];

        operation.Responses = new OpenApiResponses();
        foreach (var answer in contract.Answers)
            operation.Responses[Code(answer.Status)] = new OpenApiResponse
            {
                Description = SuccessDescription(answer.Status),
                Content = answer.Schema is null ? null : answer.MediaTypes.ToDictionary(m => m, _ => Media(answer.Schema, document)),
                Headers = answer.Headers.Count == 0 ? null : answer.Headers.ToDictionary(h => h.TrimEnd('?'), h => Header(h.TrimEnd('?'), required: !h.EndsWith('?'))),
            };
        if (contract.IfNoneMatch)
            operation.Responses["304"] = new OpenApiResponse { Description = "Not modified: the If-None-Match ETag is current.", Headers = Headers("ETag") };
        foreach (var status in failures)
            operation.Responses[Code(status)] = new OpenApiResponseReference(FailureName(status), document);
    }

    private static readonly int[] FailureStatuses = [400, 401, 403, 404, 409, 412, 413, 415, 429, 500, 503];

    /// <summary>Each error status is one shared response in components, referenced by every operation that answers it.</summary>
    private static string FailureName(int status) => status switch
    {
        400 => "BadRequest",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "NotFound",
        409 => "Conflict",
        412 => "PreconditionFailed",
        413 => "TooLarge",
        415 => "UnsupportedMediaType",
        429 => "TooManyRequests",
        500 => "SecretUnreadable",
        503 => "Unavailable",
        _ => throw new ArgumentException($"No error response is documented for {status}.", nameof(status)),
    };

    private static OpenApiResponse Failure(int status, OpenApiDocument document)
    {
        var schema = status switch { 400 => "ValidationProblem", 412 => "VersionConflictProblem", _ => "Problem" };
        return new OpenApiResponse
        {
            Description = status switch
            {
                400 => "Bad input (body, query, header or name): nothing changed. errors[] names each failed rule.",
                401 => "No token, or a bad, expired or revoked one, where anonymous callers are not granted this.",
                403 => "A valid token without the permission on this namespace.",
                404 => "Not found.",
                409 => "Conflicts with the server's state: no master key to rotate with, a version whose stored secret cannot be decrypted, or a user name that is taken.",
                412 => "The If-Match / ifVersion version is stale: nothing was written.",
                413 => "The body is larger than Strata:MaxRequestBodyBytes (1 MiB by default).",
                415 => "The body's content type is not one this operation reads.",
                429 => "Over the caller's request rate.",
                500 => "urn:strata:problem:secret-unreadable: a stored secret cannot be decrypted (server state, not the request).",
                503 => "The store failed or is busy; nothing was acknowledged.",
                _ => throw new ArgumentException($"No error response is documented for {status}.", nameof(status)),
            },
            Content = new Dictionary<string, OpenApiMediaType> { [ProblemJson] = Media(schema, document) },
            Headers = status switch
            {
                401 => Headers("WWW-Authenticate"),
                412 => Headers("ETag"),
                429 or 503 => Headers("Retry-After"),
                _ => null,
            },
        };
    }

    private static string SuccessDescription(int status) => status switch
    {
        200 => "OK.",
        201 => "Created.",
        202 => "Accepted: runs in the background.",
        204 => "No content.",
        _ => "Success.",
    };

    private static Dictionary<string, IOpenApiHeader> Headers(params string[] names) => names.ToDictionary(n => n, n => Header(n));

    // A required header is sent with every such answer; the contract test checks it.
    private static IOpenApiHeader Header(string name, bool required = true) => new OpenApiHeader
    {
        Required = required,
        Description = name switch
        {
            "ETag" => "A key's version (\"3\") or a revision-based tag (\"r17…\"); send it back as If-Match or If-None-Match.",
            "Strata-Revision" => "The global revision the answer reflects.",
            "Strata-Index" => "The revision of the last commit that touched the namespace: send it back as index to long-poll.",
            "Retry-After" => "Seconds to wait before retrying.",
            "WWW-Authenticate" => "Bearer (with error=\"invalid_token\" for a bad token).",
            "Set-Cookie" => "The session cookie strata_session (HttpOnly, SameSite=Strict, Secure over HTTPS).",
            _ => throw new ArgumentException($"No response header '{name}' is documented.", nameof(name)),
        },
        Schema = name is "Strata-Revision" or "Strata-Index" or "Retry-After"
            ? new OpenApiSchema { Type = JsonSchemaType.Integer, Minimum = "0" }
            : new OpenApiSchema { Type = JsonSchemaType.String },
    };

    private static OpenApiMediaType Media(string schema, OpenApiDocument document) => new() { Schema = ApiSchemas.Ref(schema, document) };

    private static string Code(int status) => status.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Health checks and the document itself are not minimal-API handlers, so the generator lists none of them.</summary>
    private static void AddUnlisted(OpenApiDocument document, bool health)
    {
        document.Paths ??= [];
        document.Tags ??= new HashSet<OpenApiTag>();
        document.Tags.Add(new OpenApiTag { Name = "OpenApi" });
        if (health)
        {
            document.Tags.Add(new OpenApiTag { Name = "Health" });
            document.Paths["/healthz"] = Anonymous(document, "getHealth", "Health", "The process answers",
                "200 while the process answers; it checks nothing else.", [200]);
            document.Paths["/readyz"] = Anonymous(document, "getReadiness", "Health", "The store is reachable and its schema current",
                "200 when ready, 503 (with the failing check) when not: a load balancer's readiness probe.", [200, 503]);
        }
        document.Paths["/openapi/strata.json"] = new OpenApiPathItem
        {
            Operations = new Dictionary<HttpMethod, OpenApiOperation>
            {
                [HttpMethod.Get] = new()
                {
                    OperationId = "getOpenApiDocument",
                    Summary = "This OpenAPI document",
                    Tags = new HashSet<OpenApiTagReference> { new("OpenApi", document) },
                    Security = [],
                    Responses = new OpenApiResponses
                    {
                        ["200"] = new OpenApiResponse
                        {
                            Description = "The document.",
                            Content = new Dictionary<string, OpenApiMediaType> { [OperationContractExtensions.Json] = Media("OpenApiDocument", document) },
                        },
                        // Anyone may ask, within the per-address budget of callers without a token.
                        ["429"] = new OpenApiResponseReference(FailureName(429), document),
                    },
                },
            },
        };
    }

    private static OpenApiPathItem Anonymous(OpenApiDocument document, string id, string tag, string summary, string description, int[] statuses) => new()
    {
        Operations = new Dictionary<HttpMethod, OpenApiOperation>
        {
            [HttpMethod.Get] = new()
            {
                OperationId = id,
                Summary = summary,
                Description = description,
                Tags = new HashSet<OpenApiTagReference> { new(tag, document) },
                Security = [],
                Responses = Health(statuses, document),
            },
        },
    };

    private static OpenApiResponses Health(int[] statuses, OpenApiDocument document)
    {
        var responses = new OpenApiResponses();
        foreach (var status in statuses)
            responses[Code(status)] = new OpenApiResponse
            {
                Description = status == 200 ? "Healthy." : "Not ready.",
                Content = new Dictionary<string, OpenApiMediaType> { [OperationContractExtensions.Json] = Media("Health", document) },
            };
        return responses;
    }
}
