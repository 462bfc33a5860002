using System.Text.Json;
using Strata.Engine;
using Strata.Registry;
using Strata.Validation;

namespace Strata.Resolution;

/// <summary>
/// The value a read gets for one key and scope chain, with where it came from. Immutable; its typed form and its
/// response bytes are computed once and cached, which is what makes repeated reads free of allocation.
/// </summary>
internal sealed class ResolvedSetting
{
    private object? _typed;
    private byte[]? _json;

    public ResolvedSetting(string ns, string key, JsonElement value, SettingLayer source, StoredValue? stored,
        RegisteredSetting? definition, string? variable, IReadOnlyList<LayerValue>? layers, long targetVersion)
    {
        Namespace = ns;
        Key = key;
        Value = value;
        Source = source;
        Stored = stored;
        Definition = definition;
        Variable = variable;
        Layers = layers;
        TargetVersion = targetVersion;
    }

    public string Namespace { get; }
    public string Key { get; }
    public JsonElement Value { get; }
    public SettingLayer Source { get; }

    /// <summary>The override that supplied the value, when <see cref="Source"/> is <see cref="SettingLayer.Override"/>.</summary>
    public StoredValue? Stored { get; }

    public RegisteredSetting? Definition { get; }

    /// <summary>The environment variable that supplied the value, when it came from the environment.</summary>
    public string? Variable { get; }

    /// <summary>Every layer's candidate, most important first; only when explain was asked for.</summary>
    public IReadOnlyList<LayerValue>? Layers { get; }

    /// <summary>Version of the override at the chain's target scope (0 when none): the ETag a conditional write checks.</summary>
    public long TargetVersion { get; }

    public bool Sensitive => Definition?.Sensitive == true;

    /// <summary>
    /// The response body, rendered by <paramref name="render"/> on first use and cached: the wire format belongs to the
    /// HTTP surface, the cache to the value it renders (one per key state, so a read is a lookup and a copy).
    /// </summary>
    public byte[] Json(Func<ResolvedSetting, byte[]> render) => _json ??= render(this);

    public T As<T>()
    {
        if (_typed is T cached) return cached;
        var converted = Convert<T>(Value);
        _typed = converted;
        return converted;
    }

    private static T Convert<T>(JsonElement value)
    {
        object result = typeof(T) switch
        {
            var t when t == typeof(string) => value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText(),
            var t when t == typeof(int) => value.GetInt32(),
            var t when t == typeof(long) => value.GetInt64(),
            var t when t == typeof(double) => value.GetDouble(),
            var t when t == typeof(decimal) => value.GetDecimal(),
            var t when t == typeof(bool) => value.GetBoolean(),
            var t when t == typeof(TimeSpan) => DurationParser.TryParse(value.GetString(), out var span)
                ? span : throw new FormatException($"'{value.GetString()}' is not a duration."),
            var t when t == typeof(JsonElement) => value,
            _ => value.Deserialize<T>()!,
        };
        return (T)result;
    }
}
