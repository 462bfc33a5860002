using System.Text.Json;
using Strata.Storage;

namespace Strata.Engine;

/// <summary>One override at one scope, parsed once when it is committed or loaded. Immutable.</summary>
internal sealed class StoredValue
{
    public StoredValue(string scope, string? json, long version, long createdAt, long updatedAt, long revision)
    {
        Scope = scope;
        Json = json;
        Value = json is null ? default : JsonSerializer.Deserialize<JsonElement>(json);
        Version = version;
        CreatedAt = createdAt;
        UpdatedAt = updatedAt;
        Revision = revision;
    }

    public string Scope { get; }

    /// <summary>Compact JSON text; null when the override was reset (the version still counts).</summary>
    public string? Json { get; }

    public JsonElement Value { get; }
    public long Version { get; }
    public long CreatedAt { get; }
    public long UpdatedAt { get; }
    public long Revision { get; }
    public bool IsLive => Json is not null;

    public static StoredValue From(StoredEntry e) => new(e.Scope, e.Value, e.Version, e.CreatedAt, e.UpdatedAt, e.Revision);
}
