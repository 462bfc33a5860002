namespace Strata.Http.OpenApi;

/// <summary>
/// What one endpoint declares about itself for the OpenAPI document: its query parameters, body and answers, by
/// name. The schemas behind the names are in <see cref="ApiSchemas"/>; <see cref="ApiDocumentTransformer"/> turns
/// this into the operation. Metadata only: nothing here runs per request.
/// </summary>
internal sealed class OperationContract
{
    /// <summary>Query parameter names from <see cref="ApiParameters"/>.</summary>
    public List<string> Query { get; } = [];

    /// <summary>The request body's schema name; null when the operation takes none.</summary>
    public string? Body { get; set; }

    /// <summary>The body may also be YAML (import).</summary>
    public bool BodyYaml { get; set; }

    public List<ApiAnswer> Answers { get; } = [];

    /// <summary>Error statuses beyond those every operation of its kind can answer (see <see cref="ApiDocumentTransformer"/>).</summary>
    public SortedSet<int> Failures { get; } = [];

    /// <summary>Takes <c>If-Match</c>: 412 when stale, 400 when malformed.</summary>
    public bool IfMatch { get; set; }

    /// <summary>Takes <c>If-None-Match</c>: 304 when current, 400 when malformed.</summary>
    public bool IfNoneMatch { get; set; }

    /// <summary>Decrypts stored secrets: 500 <c>secret-unreadable</c> when one cannot be.</summary>
    public bool Decrypts { get; set; }
}
