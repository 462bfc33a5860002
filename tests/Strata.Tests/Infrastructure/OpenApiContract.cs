using System.Net.Http.Headers;
using System.Text.Json;

namespace Strata.Tests.Infrastructure;

/// <summary>
/// The served OpenAPI document as a contract: finds the operation a request went to (by method and path template,
/// literal segments before parameters, as routing does) and says what in a response the document does not allow.
/// </summary>
public sealed class OpenApiContract
{
    private readonly List<(string Template, string[] Segments, JsonElement Item)> _paths;

    public OpenApiContract(JsonElement document)
    {
        Document = document;
        Schemas = new JsonSchemaChecker(document);
        _paths = document.GetProperty("paths").EnumerateObject()
            .Select(p => (p.Name, Split(p.Name), p.Value))
            .ToList();
    }

    public JsonElement Document { get; }

    public JsonSchemaChecker Schemas { get; }

    /// <summary>The path template a request path (escaped, as sent) routes to, or null when none does.</summary>
    public string? Match(string path)
    {
        var segments = Split(path);
        return _paths
            .Where(p => p.Segments.Length == segments.Length && p.Segments.Zip(segments).All(s => IsParameter(s.First) || string.Equals(s.First, s.Second, StringComparison.OrdinalIgnoreCase)))
            // Routing prefers a literal segment to a parameter, segment by segment from the left.
            .OrderBy(p => string.Concat(p.Segments.Select(s => IsParameter(s) ? '1' : '0')), StringComparer.Ordinal)
            .Select(p => p.Template)
            .FirstOrDefault();
    }

    /// <summary>Null when the document allows this answer; otherwise every way in which it does not.</summary>
    public string? Check(HttpMethod method, string path, int status, MediaTypeHeaderValue? contentType, byte[] body, IEnumerable<string>? headers = null)
    {
        // Outside the document nothing exists: a path it does not have is 404, a method it does not list is 405.
        if (Match(path) is not { } template)
            return status == 404 ? null : $"no path of the document matches {path}, so the answer must be 404";
        var item = _paths.Single(p => p.Template == template).Item;
        if (!item.TryGetProperty(method.Method.ToLowerInvariant(), out var operation))
            return status == 405 ? null : $"the document has no {method.Method} operation on {template}, so the answer must be 405";
        var id = operation.TryGetProperty("operationId", out var op) ? op.GetString() : "(no operationId)";
        var where = $"operation {id} ({method.Method} {template})";
        var responses = operation.GetProperty("responses");
        var code = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (!responses.TryGetProperty(code, out var response))
            return $"status {status} is not listed for {where}; listed: {string.Join(", ", responses.EnumerateObject().Select(r => r.Name))}";
        response = Schemas.Resolve(response);

        if (headers is not null && response.TryGetProperty("headers", out var declared))
        {
            var sent = headers.ToHashSet(StringComparer.OrdinalIgnoreCase);
            var missing = declared.EnumerateObject()
                .Where(h => h.Value.TryGetProperty("required", out var r) && r.GetBoolean() && !sent.Contains(h.Name)).Select(h => h.Name).ToList();
            if (missing.Count > 0) return $"{where} documents the header {string.Join(", ", missing)} for {status}, but the answer has none";
        }
        var hasBody = body.Length > 0 && method != HttpMethod.Head;
        var content = response.TryGetProperty("content", out var c) ? c : default;
        if (!hasBody)
            return content.ValueKind == JsonValueKind.Object && method != HttpMethod.Head && status != 304
                ? $"{where} documents a body for {status} ({string.Join(", ", content.EnumerateObject().Select(m => m.Name))}) but the answer has none"
                : null;
        if (content.ValueKind != JsonValueKind.Object)
            return $"{where} documents no body for {status}, but the answer has {body.Length} bytes of {contentType?.MediaType ?? "unknown type"}";
        var mediaType = contentType?.MediaType;
        if (mediaType is null || !content.TryGetProperty(mediaType, out var media))
            return $"content type {mediaType ?? "(none)"} is not listed for {status} of {where}; listed: {string.Join(", ", content.EnumerateObject().Select(m => m.Name))}";
        if (!mediaType.EndsWith("json", StringComparison.OrdinalIgnoreCase) || !media.TryGetProperty("schema", out var schema)) return null;

        JsonElement json;
        try
        {
            using var parsed = JsonDocument.Parse(body);
            json = parsed.RootElement.Clone();
        }
        catch (JsonException e)
        {
            return $"the {mediaType} body of {status} from {where} is not JSON: {e.Message}";
        }
        var errors = Schemas.Check(json, schema);
        if (errors.Count == 0) return null;
        var name = schema.TryGetProperty("$ref", out var r) ? r.GetString()!.Split('/')[^1] : "its schema";
        return $"the body of {status} from {where} does not match {name}: {string.Join("; ", errors.Take(10))}";
    }

    private static bool IsParameter(string segment) => segment.StartsWith('{') && segment.EndsWith('}');

    private static string[] Split(string path) => path.Trim('/').Split('/', StringSplitOptions.None);
}
