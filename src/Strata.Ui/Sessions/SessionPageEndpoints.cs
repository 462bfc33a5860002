using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Strata.Access;
using Strata.Application;
using Strata.Ui.Rendering;

namespace Strata.Ui.Sessions;

/// <summary><c>/sessions</c>: the open sessions for an admin (admin on every namespace), each revocable.</summary>
internal static class SessionPageEndpoints
{
    public static void Map(IEndpointRouteBuilder ui)
    {
        ui.MapGet("/sessions", (HttpContext http, SessionService sessions, UserService users, TokenService tokens) =>
            Page.Render<SessionsPage, SessionList>(List(http, sessions, users, tokens, null))).Requires(Permission.Admin, global: true);
        ui.MapPost("/sessions/{id}/revoke", RevokeAsync).Requires(Permission.Admin, global: true);
    }

    private static async Task<IResult> RevokeAsync(string id, HttpContext http, SessionService sessions, UserService users, TokenService tokens,
        CommandAudit audit, [FromForm(Name = "revoke")] string? revoke)
    {
        var revoked = await sessions.RevokeAsync(id, http.RequestAborted);
        if (revoked) await audit.RecordAsync(AccessControl.Caller(http), "session.revoke", "ok", detail: new { session = id });
        var notice = revoked ? "The session is revoked." : "That session had already ended.";
        return Page.Render<SessionsPage, SessionList>(List(http, sessions, users, tokens, notice));
    }

    private static SessionList List(HttpContext http, SessionService sessions, UserService users, TokenService tokens, string? notice)
    {
        var tokenNames = tokens.List().ToDictionary(t => t.Id, t => t.Name, StringComparer.Ordinal);
        var rows = sessions.List()
            .OrderByDescending(s => s.LastSeenAt)
            .Select(s => new SessionRow(s.Id,
                s.UserId is { } user ? users.FindById(user)?.Name ?? user : tokenNames.GetValueOrDefault(s.TokenId ?? "", s.TokenId ?? "?"),
                s.UserId is not null ? "password" : "token",
                DateTimeOffset.FromUnixTimeMilliseconds(s.CreatedAt), DateTimeOffset.FromUnixTimeMilliseconds(s.LastSeenAt),
                DateTimeOffset.FromUnixTimeMilliseconds(s.EndsAt), s.Client, s.UserAgent))
            .ToList();
        return new SessionList(rows, (http.User as StrataPrincipal)?.SessionId, notice);
    }
}
