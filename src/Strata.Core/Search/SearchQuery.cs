using Strata.Engine;
using Strata.Validation;

namespace Strata.Search;

/// <summary>A checked query: its distinct words (all must match) and the number of results asked for.</summary>
internal sealed class SearchQuery
{
    public const int MaxLength = 200;
    public const int MaxWords = 10;
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;

    private SearchQuery(string text, string[] words, int limit)
    {
        Text = text;
        Words = words;
        Folded = [.. words.Select(w => w.ToUpperInvariant())];
        Limit = limit;
    }

    public string Text { get; }
    public string[] Words { get; }

    /// <summary>The words in upper case, as the index holds its text.</summary>
    public string[] Folded { get; }
    public int Limit { get; }

    /// <summary>Throws <see cref="SettingsValidationException"/> for an empty or over-long query, too many words, or a limit out of range.</summary>
    public static SearchQuery Parse(string? text, int limit = DefaultLimit)
    {
        var errors = new List<ValidationError>();
        string[] words = [];
        if (string.IsNullOrWhiteSpace(text))
            errors.Add(new("q", "required", "The query 'q' is empty: give one or more words to look for."));
        else if (text.Length > MaxLength)
            errors.Add(new("q", "maxLength", $"The query is {text.Length} characters long; the limit is {MaxLength}."));
        else
        {
            words = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
            if (words.Length > MaxWords)
                errors.Add(new("q", "maxItems", $"The query has {words.Length} different words; at most {MaxWords} are looked for."));
        }
        if (limit is < 1 or > MaxLimit)
            errors.Add(LimitError());
        if (errors.Count > 0) throw new SettingsValidationException(errors);
        return new SearchQuery(text!.Trim(), words, limit);
    }

    public static ValidationError LimitError() => new("limit", "range", $"'limit' must be a whole number from 1 to {MaxLimit}.");
}
