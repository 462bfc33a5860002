using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Strata.Access;
using Strata.Application;
using Strata.Http;
using Strata.Storage;
using Strata.Ui.Rendering;

namespace Strata.Ui.Audit;

/// <summary><c>GET /audit</c>: the audit log filtered by actor, namespace, action and time, paged; for admins on every namespace, as the API's.</summary>
internal static class AuditLogEndpoints
{
    private const int PageSize = 50;

    public static void Map(IEndpointRouteBuilder ui) =>
        ui.MapGet("/audit", Audit).Requires(Permission.Admin, global: true).AddEndpointFilter(new StrataExceptionFilter());

    private static async Task<IResult> Audit(HttpContext http, AuditLogQuery audit)
    {
        var query = http.Request.Query;
        if (Time(query, "from", out var from) is { } badFrom) return badFrom;
        if (Time(query, "to", out var to) is { } badTo) return badTo;
        // The page is the id the previous page ended at: ids are the log's order, and a new event does not shift the pages.
        if (UiQuery.Number(query, "page", out var page) is { } badPage) return badPage;
        var filter = new AuditFilter(UiQuery.Text(query, "actor"), UiQuery.Text(query, "ns"), UiQuery.Text(query, "action"), from, to);

        // One more than a page: whether an older page exists.
        var events = await audit.RunAsync(AccessControl.Caller(http),
            new AuditQuery(filter.Actor, filter.Action, filter.Namespace, From: from, To: to, BeforeId: page, Limit: PageSize + 1), http.RequestAborted)
            .ConfigureAwait(false);
        var more = events.Count > PageSize;
        var shown = more ? events.Take(PageSize).ToList() : events;
        return Page.Render<AuditLogPage, AuditLog>(new AuditLog(filter, shown, more ? shown[^1].Id : null, page is null));
    }

    /// <summary>An ISO 8601 time, in UTC unless it says otherwise (what a <c>datetime-local</c> input sends has no zone).</summary>
    private static IResult? Time(IQueryCollection query, string name, out long? value)
    {
        value = null;
        var text = UiQuery.Text(query, name);
        if (text is null) return null;
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
            return Problems.BadRequest(name, "type", $"'{name}' must be a time such as 2026-11-22T10:00:00Z.");
        value = time.ToUnixTimeMilliseconds();
        return null;
    }
}
