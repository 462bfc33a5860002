using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Strata.Access;
using Strata.Http;
using Strata.Http.OpenApi;
using Strata.Resolution;

namespace Strata.Search;

/// <summary><c>/api/v1/search</c>: settings found by key, namespace, group, description or value, for search as you type.</summary>
internal static class SearchEndpoints
{
    public static RouteGroupBuilder MapSearch(this RouteGroupBuilder api)
    {
        api.MapGet("/search", Search).WithTags("Search").Requires(Permission.Read)
            .WithName("searchSettings").WithSummary("Find settings the caller may read by key, namespace, group, description or value")
            .Query(ApiParameters.SearchText, ApiParameters.SearchLimit).Answers(200, "SearchResults", "Strata-Revision");
        return api;
    }

    private static IResult Search(HttpContext context, SettingsSearch search)
    {
        var query = context.Request.Query;
        var limit = SearchQuery.DefaultLimit;
        if (query.TryGetValue("limit", out var text) && !int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out limit))
            return Problems.Validation([SearchQuery.LimitError()]);
        var results = search.Run(AccessControl.Caller(context), query["q"].ToString(), limit);
        Etag.SetRevision(context.Response, results.Revision);
        return JsonBytes.Result(w => Write(w, results));
    }

    internal static void Write(Utf8JsonWriter w, SearchResults results)
    {
        w.WriteStartObject();
        w.WriteString("query", results.Query);
        w.WriteNumber("revision", results.Revision);
        w.WriteNumber("total", results.Total);
        w.WriteNumber("limit", results.Limit);
        w.WriteStartArray("results");
        foreach (var r in results.Results)
        {
            w.WriteStartObject();
            w.WriteString("namespace", r.Namespace);
            w.WriteString("key", r.Key);
            if (r.Group is { } group) w.WriteString("group", group);
            if (r.ShortDescription is { } description) w.WriteString("description", description);
            if (r.Setting is { } setting)
            {
                SettingJson.WriteValue(w, "value", setting.Value, r.Sensitive);
                w.WriteString("source", LayerNames.Of(setting.Source));
            }
            if (r.Definition is { } definition)
            {
                w.WriteString("type", definition.Type.ToString().ToLowerInvariant());
                w.WriteBoolean("sensitive", definition.Sensitive);
            }
            w.WriteStartArray("matched");
            foreach (var (field, name) in FieldNames)
                if (r.Matched.HasFlag(field)) w.WriteStringValue(name);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static readonly (SearchField Field, string Name)[] FieldNames =
        [(SearchField.Key, "key"), (SearchField.Namespace, "namespace"), (SearchField.Group, "group"), (SearchField.Description, "description"), (SearchField.Value, "value")];
}
