using Strata.Access;
using Strata.Application;
using Strata.Engine;

namespace Strata.Search;

/// <summary>
/// Finds settings a caller may read by key, namespace, group, description and value: every defined key and every
/// stored key without a definition, in every namespace the caller has config.read on, as of the current revision
/// (a commit is found by the next search). A sensitive value is never matched, not even its mask. Reads only the
/// engine's memory (through <see cref="SearchIndex"/>), never the store.
/// </summary>
internal sealed class SettingsSearch(SettingsEngine engine) : IDisposable
{
    private readonly SearchIndex _index = new(engine);

    /// <summary>The best matches of <paramref name="query"/>, ranked; throws <see cref="SettingsValidationException"/> as <see cref="SearchQuery.Parse"/> does.</summary>
    public SearchResults Run(Caller caller, string? query, int limit = SearchQuery.DefaultLimit) => Run(caller, SearchQuery.Parse(query, limit));

    public SearchResults Run(Caller caller, SearchQuery query)
    {
        var top = new TopHits(query.Limit);
        var revision = _index.Scan(query.Folded, ns => caller.Can(Permission.Read, ns), top);
        var results = new SearchResult[top.Count];
        for (var i = 0; i < results.Length; i++)
        {
            var entry = top.Kept[i].Entry;
            results[i] = new SearchResult(entry.Namespace, entry.Key, entry.Definition, entry.Setting, entry.Sensitive, Fields(query.Words, entry));
        }
        return new SearchResults(query.Text, revision, top.Total, query.Limit, results);
    }

    public void Dispose() => _index.Dispose();

    /// <summary>Every field some word matches: worked out for the results only.</summary>
    private static SearchField Fields(string[] words, SearchEntry entry)
    {
        var definition = entry.Definition?.Definition;
        var value = entry.Sensitive || entry.Setting is null ? null : SearchEntry.ValueText(entry.Setting);
        var fields = SearchField.None;
        foreach (var word in words)
        {
            if (Contains(entry.Key, word)) fields |= SearchField.Key;
            if (Contains(entry.Namespace, word)) fields |= SearchField.Namespace;
            if (Contains(definition?.Group, word)) fields |= SearchField.Group;
            if (Contains(definition?.Description, word)) fields |= SearchField.Description;
            if (Contains(value, word)) fields |= SearchField.Value;
        }
        return fields;
    }

    private static bool Contains(string? text, string word) => text?.Contains(word, StringComparison.OrdinalIgnoreCase) == true;
}
