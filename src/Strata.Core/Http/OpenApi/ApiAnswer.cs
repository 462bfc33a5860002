namespace Strata.Http.OpenApi;

/// <summary>A successful answer of an operation: its status, body schema (null: no body) and response headers.</summary>
internal sealed record ApiAnswer(int Status, string? Schema, IReadOnlyList<string> Headers, IReadOnlyList<string> MediaTypes);
