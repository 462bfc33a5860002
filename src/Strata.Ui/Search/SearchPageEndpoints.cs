using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Strata.Access;
using Strata.Search;
using Strata.Ui.Rendering;
using Strata.Engine;

namespace Strata.Ui.Search;

/// <summary><c>/search?q=</c>: the search service's results for every namespace the user may read.</summary>
internal static class SearchPageEndpoints
{
    public static void Map(IEndpointRouteBuilder ui) =>
        ui.MapGet("/search", (HttpContext http, SettingsSearch search, string? q) =>
        {
            var query = q?.Trim() ?? "";
            if (query.Length == 0) return Page.Render<SearchPage, SearchPageModel>(new SearchPageModel("", null, null));
            try
            {
                return Page.Render<SearchPage, SearchPageModel>(new SearchPageModel(query, search.Run(AccessControl.Caller(http), query), null));
            }
            catch (SettingsValidationException refused)
            {
                return Page.Render<SearchPage, SearchPageModel>(new SearchPageModel(query, null, refused.Errors[0].Message),
                    StatusCodes.Status400BadRequest);
            }
        }).Requires(Permission.Read);
}
