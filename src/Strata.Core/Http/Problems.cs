using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Strata.Validation;

namespace Strata.Http;

/// <summary>Every error Strata answers is built here, as an RFC 9457 problem document.</summary>
internal static class Problems
{
    public static ProblemHttpResult Validation(IReadOnlyList<ValidationError> errors) => TypedResults.Problem(
        title: "The request is not valid",
        detail: errors[0].Message,
        statusCode: StatusCodes.Status400BadRequest,
        type: "urn:strata:problem:validation",
        extensions: new Dictionary<string, object?>
        {
            ["errors"] = errors.Select(e => new { field = e.Field, rule = e.Rule, message = e.Message }).ToArray(),
        });

    public static ProblemHttpResult BadRequest(string field, string rule, string detail) => Validation([new(field, rule, detail)]);

    public static ProblemHttpResult NotFound(string detail) =>
        TypedResults.Problem(title: "Not found", detail: detail, statusCode: StatusCodes.Status404NotFound, type: "urn:strata:problem:not-found");

    public static ProblemHttpResult VersionConflict(string detail, long currentVersion) => TypedResults.Problem(
        title: "The version is stale",
        detail: detail,
        statusCode: StatusCodes.Status412PreconditionFailed,
        type: "urn:strata:problem:version-conflict",
        extensions: new Dictionary<string, object?> { ["currentVersion"] = currentVersion });

    public static ProblemHttpResult Conflict(string detail) =>
        TypedResults.Problem(title: "Conflicts with what exists", detail: detail, statusCode: StatusCodes.Status409Conflict, type: "urn:strata:problem:conflict");

    /// <summary>A sign-in refused for too many failed attempts (the caller sets <c>Retry-After</c>).</summary>
    public static ProblemHttpResult TooManySignIns(string detail) => TypedResults.Problem(
        title: "Too many failed sign-ins", detail: detail, statusCode: StatusCodes.Status429TooManyRequests, type: "urn:strata:problem:rate-limited");

    public static ProblemHttpResult Unauthorized(string detail) =>
        TypedResults.Problem(title: "Authentication required", detail: detail, statusCode: StatusCodes.Status401Unauthorized, type: "urn:strata:problem:unauthorized");

    public static ProblemHttpResult Forbidden(string detail) =>
        TypedResults.Problem(title: "Not allowed", detail: detail, statusCode: StatusCodes.Status403Forbidden, type: "urn:strata:problem:forbidden");

    public static ProblemHttpResult TooManyRequests(int retryAfterSeconds) => TypedResults.Problem(
        title: "Too many requests",
        detail: $"This caller is over its request rate; retry in {retryAfterSeconds} s.",
        statusCode: StatusCodes.Status429TooManyRequests,
        type: "urn:strata:problem:rate-limited");

    public static ProblemHttpResult TooLarge(long limit) => TypedResults.Problem(
        title: "The request body is too large",
        detail: $"The body is larger than the limit of {limit} bytes.",
        statusCode: StatusCodes.Status413PayloadTooLarge,
        type: "urn:strata:problem:too-large");

    public static ProblemHttpResult UnsupportedMediaType(string sent, string expected) => TypedResults.Problem(
        title: "The body's media type is not supported",
        detail: $"The body is sent as '{Naming.Names.Truncate(sent)}'; send it as {expected} (Content-Type header).",
        statusCode: StatusCodes.Status415UnsupportedMediaType,
        type: "urn:strata:problem:unsupported-media-type");

    /// <summary>A stored secret cannot be decrypted: the message names the setting and key id, never a value.</summary>
    public static ProblemHttpResult SecretUnreadable(string detail, int status = StatusCodes.Status500InternalServerError) =>
        TypedResults.Problem(title: "A stored secret cannot be decrypted", detail: detail, statusCode: status, type: "urn:strata:problem:secret-unreadable");

    public static ProblemHttpResult Unavailable(string detail) => TypedResults.Problem(
        title: "The store is unavailable",
        detail: detail,
        statusCode: StatusCodes.Status503ServiceUnavailable,
        type: "urn:strata:problem:store-unavailable");
}
