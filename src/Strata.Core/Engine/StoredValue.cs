using System.Text.Json;
using Strata.Storage;

namespace Strata.Engine;

/// <summary>
/// One override at one scope, parsed once when it is committed or loaded. Immutable. Only the parsed form is kept
/// (the JSON text is rebuilt on the rare paths that need it): every key lives in memory, so bytes per key count.
/// </summary>
internal sealed class StoredValue
{
    public StoredValue(string scope, string? json, long version, long createdAt, long updatedAt, long revision)
        : this(scope, json, json is null ? default : JsonSerializer.Deserialize<JsonElement>(json), version, createdAt, updatedAt, revision)
    {
    }

    /// <summary>For a value already parsed (by the caller, off the commit loop); <paramref name="value"/> must match <paramref name="json"/>.</summary>
    public StoredValue(string scope, string? json, JsonElement value, long version, long createdAt, long updatedAt, long revision)
    {
        Scope = scope;
        Value = json is null ? default : value;
        Version = version;
        CreatedAt = createdAt;
        UpdatedAt = updatedAt;
        Revision = revision;
    }

    public string Scope { get; }

    /// <summary>Compact JSON text; null when the override was reset (the version still counts).</summary>
    public string? Json => IsLive ? Value.GetRawText() : null;

    public JsonElement Value { get; }
    public long Version { get; }
    public long CreatedAt { get; }
    public long UpdatedAt { get; }
    public long Revision { get; }
    public bool IsLive => Value.ValueKind != JsonValueKind.Undefined;

    public static StoredValue From(StoredEntry e) => new(e.Scope, e.Value, e.Version, e.CreatedAt, e.UpdatedAt, e.Revision);
}
