using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using Strata.Naming;

namespace Strata.Http.OpenApi;

/// <summary>Every query and path parameter of the API, by the name endpoints declare it with, with its type and limits.</summary>
internal static class ApiParameters
{
    public const string ScopeChain = "scopeChain";
    public const string Scope = "scope";
    public const string Explain = "explain";
    public const string Reveal = "reveal";
    public const string AsOf = "asOf";
    public const string At = "at";
    public const string Limit = "limit";
    public const string Before = "before";
    public const string AuditBefore = "auditBefore";
    public const string PruneBefore = "pruneBefore";
    public const string DiffFrom = "diffFrom";
    public const string DiffTo = "diffTo";
    public const string Since = "from";
    public const string Until = "to";
    public const string Actor = "actor";
    public const string Action = "action";
    public const string Namespace = "namespace";
    public const string Key = "key";
    public const string ExportNamespaces = "exportNamespace";
    public const string Secrets = "secrets";
    public const string Format = "format";
    public const string Comment = "comment";
    public const string Namespaces = "ns";
    public const string Keys = "keys";
    public const string WatchSince = "since";
    public const string Wait = "wait";
    public const string Index = "index";
    public const string SearchText = "q";
    public const string SearchLimit = "searchLimit";

    /// <summary>The read query every resolved read takes.</summary>
    public static readonly string[] Read = [ScopeChain, Explain, Reveal, AsOf, At];

    /// <summary>The history paging query.</summary>
    public static readonly string[] Paging = [Limit, Before];

    public static OpenApiParameter Query(string name) => name switch
    {
        ScopeChain => Q("scope", "Scopes to read through, most specific first, comma-separated (e.g. user:alice,project:42); "
            + "global is always consulted last. At most 16 scopes besides global.",
            new() { Type = JsonSchemaType.String, Default = JsonValue.Create(Naming.Scope.Global), Pattern = ApiSchemas.ScopeChainPattern }),
        Scope => Q("scope", "The scope to write or reset: global or kind:id such as user:alice.",
            WithDefault(ApiSchemas.Scope("A scope."), Naming.Scope.Global)),
        Explain => Q(Explain, "Add every layer's candidate (layers), winner first.", WithDefault(ApiSchemas.Bool("Explain."), false)),
        Reveal => Q(Reveal, "Show sensitive values in clear: needs secrets.reveal on the namespace, and is audited.", WithDefault(ApiSchemas.Bool("Reveal."), false)),
        AsOf => Q(AsOf, "Read overrides as they stood at this revision (not with at).", ApiSchemas.Int("A revision.")),
        At => Q(At, "Read as of the last revision committed by this time, ISO 8601 (not with asOf).", new() { Type = JsonSchemaType.String, Format = "date-time" }),
        Limit => Q(Limit, "Page size.", Page()),
        Before => Q(Before, "Only records older than this revision: the previous page's nextBefore.", ApiSchemas.Int("A revision.")),
        AuditBefore => Q("before", "Only events older than this id: the previous page's nextBefore.", ApiSchemas.Int("An audit id.")),
        PruneBefore => Q("before", "Remove events older than this time (ISO 8601) or this age (e.g. 90d); never a time in the future.",
            ApiSchemas.Str("A time or an age."), required: true),
        DiffFrom => Q("from", "The revision to compare from.", ApiSchemas.Int("A revision."), required: true),
        DiffTo => Q("to", "The revision to compare to (default: the current one).", ApiSchemas.Int("A revision.")),
        Since => Q("from", "Only events at or after this time (ISO 8601).", new() { Type = JsonSchemaType.String, Format = "date-time" }),
        Until => Q("to", "Only events at or before this time (ISO 8601).", new() { Type = JsonSchemaType.String, Format = "date-time" }),
        Actor => Q(Actor, "Only events by this actor (a token name, or anonymous).", ApiSchemas.Str("An actor.")),
        Action => Q(Action, "Only events of this action, e.g. setting.update.", ApiSchemas.Str("An action.")),
        Namespace => Q(Namespace, "Only events in this namespace.", ApiSchemas.Str("A namespace.")),
        Key => Q(Key, "Only events of this key.", ApiSchemas.Str("A key.")),
        ExportNamespaces => new OpenApiParameter
        {
            Name = "namespace", In = ParameterLocation.Query, Style = ParameterStyle.Form, Explode = true,
            Description = "Export only these namespaces (repeat the parameter); default every namespace the caller may read.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.Array, Items = ApiSchemas.Name("A namespace.") },
        },
        Secrets => Q(Secrets, "Export sensitive values in clear: needs secrets.reveal on every namespace exported, and is audited.", WithDefault(ApiSchemas.Bool("Secrets."), false)),
        Format => Q(Format, "json (application/json) or yaml (application/yaml).", WithDefault(ApiSchemas.Enum("The format.", "json", "yaml"), "json")),
        Comment => Q(Comment, "Kept in history and audit (default \"import\").", ApiSchemas.Str("A comment.")),
        Namespaces => Q(Namespaces, "The namespaces, comma-separated; the caller needs config.read on each.",
            new() { Type = JsonSchemaType.String, Pattern = "^[A-Za-z0-9_.,\\s-]+$" }, required: true),
        Keys => Q(Keys, "Only these keys (comma-separated), in any of the namespaces.", new() { Type = JsonSchemaType.String, Pattern = "^[A-Za-z0-9_.,\\s-]*$" }),
        WatchSince => Q(WatchSince, "Replay the events after this revision first (Last-Event-ID does the same and wins).", ApiSchemas.Int("A revision.")),
        Wait => Q(Wait, "Long-poll: with index, wait up to this long (e.g. 30s, 5m; at most 10m) for the namespace to pass index.", ApiSchemas.Str("A duration.")),
        Index => Q(Index, "Long-poll: the Strata-Index of the previous answer.", ApiSchemas.Int("A namespace index.")),
        SearchText => Q(SearchText, "The words to look for (all must match, in any case) in keys, namespaces, groups, descriptions and values; "
            + "sensitive values are never searched. At most 200 characters and 10 different words.",
            new() { Type = JsonSchemaType.String, MinLength = 1, MaxLength = Search.SearchQuery.MaxLength }, required: true),
        SearchLimit => Q("limit", "How many results to return, best first.", SearchPage()),
        _ => throw new ArgumentException($"No query parameter '{name}' is documented.", nameof(name)),
    };

    public static OpenApiParameter Path(string name) => new()
    {
        Name = name,
        In = ParameterLocation.Path,
        Required = true,
        Description = name switch
        {
            "ns" => "The namespace (compared without regard to case).",
            "key" => "The key (compared without regard to case).",
            "id" => "The token id.",
            "user" => "The user name (compared without regard to case).",
            "session" => "The session id.",
            "instance" => "The consumer instance id it sends as Strata-Consumer-Instance.",
            _ => throw new ArgumentException($"No path parameter '{name}' is documented.", nameof(name)),
        },
        Schema = name switch
        {
            "id" => new OpenApiSchema { Type = JsonSchemaType.String, Pattern = ApiSchemas.TokenIdPattern, MinLength = 13, MaxLength = 13 },
            "user" => new OpenApiSchema { Type = JsonSchemaType.String, Pattern = ApiSchemas.NamePattern, MinLength = 1, MaxLength = 100 },
            "session" => new OpenApiSchema { Type = JsonSchemaType.String, Pattern = ApiSchemas.SessionIdPattern, MinLength = 33, MaxLength = 33 },
            "instance" => new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1, MaxLength = 128, Pattern = "^[^/]+$" },
            _ => ApiSchemas.Name(name == "ns" ? "A namespace." : "A key."),
        },
    };

    public static OpenApiParameter Header(string name, string description) => new()
    {
        Name = name,
        In = ParameterLocation.Header,
        Description = description,
        Schema = new OpenApiSchema { Type = JsonSchemaType.String },
    };

    private static OpenApiParameter Q(string name, string description, OpenApiSchema schema, bool required = false) =>
        new() { Name = name, In = ParameterLocation.Query, Description = description, Schema = schema, Required = required };

    private static OpenApiSchema Page()
    {
        var schema = ApiSchemas.Int("Records per page.", minimum: 1);
        schema.Maximum = "1000";
        schema.Default = JsonValue.Create(100);
        schema.Format = "int32";
        return schema;
    }

    private static OpenApiSchema SearchPage()
    {
        var schema = ApiSchemas.Int("Results.", minimum: 1);
        schema.Maximum = Search.SearchQuery.MaxLimit.ToString(System.Globalization.CultureInfo.InvariantCulture);
        schema.Default = JsonValue.Create(Search.SearchQuery.DefaultLimit);
        schema.Format = "int32";
        return schema;
    }

    private static OpenApiSchema WithDefault(OpenApiSchema schema, string value)
    {
        schema.Default = JsonValue.Create(value);
        return schema;
    }

    private static OpenApiSchema WithDefault(OpenApiSchema schema, bool value)
    {
        schema.Default = JsonValue.Create(value);
        return schema;
    }
}
