using Strata.Registry;
using Strata.Resolution;

namespace Strata.Search;

/// <summary>
/// One setting a search found. <see cref="Setting"/> is its global resolution: null for a key stored only at other
/// scopes, or defined without a default. Show its value as <see cref="DisplayValue"/> or through the masking
/// writers, never <see cref="ResolvedSetting.Value"/> as it is: a sensitive value is in clear there.
/// </summary>
internal sealed record SearchResult(string Namespace, string Key, RegisteredSetting? Definition, ResolvedSetting? Setting, bool Sensitive, SearchField Matched)
{
    public const int DescriptionLength = 160;

    public string? Group => Definition?.Definition.Group;

    /// <summary>The value as a person reads it, the mask when sensitive; null when nothing resolves at global scope.</summary>
    public string? DisplayValue => Setting is null ? null : Sensitive ? SensitiveValue.Mask : SearchEntry.ValueText(Setting);

    /// <summary>The description, cut at a word boundary to about <see cref="DescriptionLength"/> characters.</summary>
    public string? ShortDescription => Definition?.Definition.Description is not { } text ? null
        : text.Length <= DescriptionLength ? text
        : string.Concat(text.AsSpan(0, Cut(text)).TrimEnd(), "…");

    private static int Cut(string text)
    {
        var space = text.LastIndexOf(' ', DescriptionLength);
        return space > DescriptionLength / 2 ? space : DescriptionLength;
    }
}
