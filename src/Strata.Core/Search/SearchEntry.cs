using System.Text.Encodings.Web;
using System.Text.Json;
using Strata.Engine;
using Strata.Registry;
using Strata.Resolution;

namespace Strata.Search;

/// <summary>
/// One setting as the search index holds it: what a result shows, and its searchable parts folded to upper case in
/// one string, best-ranked first (key, namespace, group, description, value), so that one ordinal search per word
/// finds the best field a word matches. Immutable; replaced when its key state changes.
/// </summary>
internal sealed class SearchEntry
{
    // Whitespace: a query word never holds one, so no match spans two fields.
    private const char Separator = '\n';

    // Only for text that is matched, or shown after encoding: never written into HTML or JSON as it is.
    private static readonly JsonSerializerOptions Readable = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly int _valueStart;

    public SearchEntry(string ns, string key, RegisteredSetting? definition, KeyState? state, ResolvedSetting? setting)
    {
        Namespace = ns;
        Key = key;
        Definition = definition;
        State = state;
        Setting = setting;
        var group = definition?.Definition.Group ?? "";
        var description = definition?.Definition.Description ?? "";
        // A sensitive value is left out: a match would tell a reader of the mask what the secret contains.
        var value = Sensitive || setting is null ? "" : ValueText(setting);
        _valueStart = key.Length + ns.Length + group.Length + description.Length + 4;
        Text = string.Create(_valueStart + value.Length, (key, ns, group, description, value), static (span, parts) =>
        {
            var at = 0;
            foreach (var part in (ReadOnlySpan<string>)[parts.key, parts.ns, parts.group, parts.description, parts.value])
            {
                if (at > 0) span[at++] = Separator;
                at += part.AsSpan().ToUpperInvariant(span[at..]);
            }
        });
    }

    public string Namespace { get; }
    public string Key { get; }
    public RegisteredSetting? Definition { get; }

    /// <summary>The key state it was made from; null for a defined key with no stored value.</summary>
    public KeyState? State { get; }

    /// <summary>The global resolution; null when nothing resolves at global scope.</summary>
    public ResolvedSetting? Setting { get; }

    public bool Sensitive => Definition?.Sensitive == true || Setting?.Sensitive == true;

    /// <summary>The folded searchable text.</summary>
    public string Text { get; }

    /// <summary>The best tier <paramref name="folded"/> (a word in upper case) reaches, null when it matches nothing.</summary>
    public SearchTier? Tier(string folded)
    {
        var at = Text.AsSpan().IndexOf(folded);
        if (at < 0) return null;
        if (at == 0) return folded.Length == Key.Length ? SearchTier.ExactKey : SearchTier.KeyPrefix;
        if (at < Key.Length) return SearchTier.KeyContains;
        return at < _valueStart ? SearchTier.Context : SearchTier.Value;
    }

    /// <summary>The value as a person reads it: a string without quotes or escapes, anything else as compact JSON with non-ASCII kept.</summary>
    public static string ValueText(ResolvedSetting setting) => setting.Value.ValueKind switch
    {
        JsonValueKind.String => setting.Value.GetString()!,
        JsonValueKind.Object or JsonValueKind.Array => JsonSerializer.Serialize(setting.Value, Readable),
        _ => setting.Value.GetRawText(),
    };
}
