using System.Runtime.CompilerServices;
using System.Text.Json;
using Strata.Storage;

namespace Strata.Engine;

/// <summary>
/// One override at one scope. Immutable to its readers. It starts as the compact JSON text the writer already had
/// (validation produced it, history stores it) and is parsed the first time something reads the value; the parsed
/// form then replaces the text. A write therefore neither parses again nor keeps two copies, and a key that is
/// written often but read rarely costs one string.
/// </summary>
internal sealed class StoredValue
{
    // Null for a reset; otherwise the JSON text (string) until first read, then the parsed value (StrongBox).
    private object? _value;

    public StoredValue(string scope, string? json, long version, long createdAt, long updatedAt, long revision, string? unreadable = null)
    {
        Unreadable = unreadable;
        Scope = scope;
        _value = json;
        Version = version;
        CreatedAt = createdAt;
        UpdatedAt = updatedAt;
        Revision = revision;
    }

    public string Scope { get; }

    /// <summary>Why the stored secret behind this value could not be decrypted (point-in-time reads only); null when it could.</summary>
    public string? Unreadable { get; }

    /// <summary>Compact JSON text; null when the override was reset (the version still counts).</summary>
    public string? Json => Volatile.Read(ref _value) switch
    {
        string text => text,
        StrongBox<JsonElement> parsed => parsed.Value.GetRawText(),
        _ => null,
    };

    /// <summary>The value; <c>default</c> (Undefined) when reset.</summary>
    public JsonElement Value
    {
        get
        {
            var current = Volatile.Read(ref _value);
            if (current is not string text) return (current as StrongBox<JsonElement>)?.Value ?? default;
            // Two readers may both parse; either result is the same value, and the first one stored wins.
            var parsed = new StrongBox<JsonElement>(JsonSerializer.Deserialize<JsonElement>(text));
            return (Interlocked.CompareExchange(ref _value, parsed, text) as StrongBox<JsonElement> ?? parsed).Value;
        }
    }

    public long Version { get; }
    public long CreatedAt { get; }
    public long UpdatedAt { get; }
    public long Revision { get; }
    public bool IsLive => Volatile.Read(ref _value) is not null;

    public static StoredValue From(StoredEntry e) => new(e.Scope, e.Value, e.Version, e.CreatedAt, e.UpdatedAt, e.Revision, e.Unreadable);
}
