using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Strata.Engine;
using Strata.Http;
using Strata.Http.OpenApi;
using Strata.Storage;

namespace Strata.Access;

/// <summary>
/// <c>/api/v1/sessions</c>: sign in (<c>POST</c>, with a user name and password or an API token; sets the session
/// cookie), sign out (<c>DELETE /current</c>), and, for admins on <c>*</c>, list and revoke sessions.
/// </summary>
internal static class SessionEndpoints
{
    public static void MapSessions(this RouteGroupBuilder api)
    {
        var sessions = api.MapGroup("/sessions").WithTags("Sessions");
        sessions.MapGet("/", List).Requires(Permission.Admin, global: true)
            .WithName("listSessions").WithSummary("List active sessions").Answers(200, "SessionList");
        sessions.MapDelete("/{session}", Revoke).Requires(Permission.Admin, global: true)
            .WithName("revokeSession").WithSummary("End a session server-side").Answers(204, null).Fails(404);
        sessions.MapPost("/", SignIn).WithName("signIn").WithSummary("Sign in with a user name and password, or an API token; sets the session cookie")
            .Accepts("SignIn").Answers(201, "SignedIn", "Set-Cookie");
        sessions.MapDelete("/current", SignOut).WithName("signOut").WithSummary("Sign out: end this request's session server-side and clear its cookie")
            .Answers(204, null).Fails(404);
    }

    private static IResult List(SessionService service, UserService users, TokenService tokens) => JsonBytes.Result(w =>
    {
        w.WriteStartObject();
        w.WriteStartArray("sessions");
        foreach (var session in service.List()) Write(w, session, Name(session, users, tokens));
        w.WriteEndArray();
        w.WriteEndObject();
    });

    private static async Task<IResult> Revoke(string session, HttpContext context, SessionService service)
    {
        if (!await service.RevokeAsync(session, context.RequestAborted).ConfigureAwait(false))
            return Problems.NotFound($"There is no active session '{Naming.Names.Truncate(session)}'.");
        await Audit.AuditTrail.RecordAsync(context, "session.revoke", "ok", detail: new { session }).ConfigureAwait(false);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> SignIn(HttpContext context, SettingsEngine engine, SignInService signIn)
    {
        var (body, problem) = await RequestJson.ReadAsync(context, engine.Options).ConfigureAwait(false);
        if (problem is not null) return problem;
        if (RequestJson.CheckObject(body, "user", "password", "token") is { } shape) return shape;
        var user = RequestJson.OptionalString(body, "user", out problem);
        if (problem is not null) return problem;
        var password = RequestJson.OptionalString(body, "password", out problem);
        if (problem is not null) return problem;
        var token = RequestJson.OptionalString(body, "token", out problem);
        if (problem is not null) return problem;
        if (token is not null && (user is not null || password is not null))
            return Problems.BadRequest("token", "shape", "Send either 'user' and 'password', or 'token'.");
        if (token is null && (string.IsNullOrEmpty(user) || password is null))
            return Problems.BadRequest(string.IsNullOrEmpty(user) ? "user" : "password", "required", "Send 'user' and 'password', or 'token'.");

        var outcome = token is not null
            ? await signIn.SignInWithTokenAsync(context, token).ConfigureAwait(false)
            : await signIn.SignInWithPasswordAsync(context, user!, password!).ConfigureAwait(false);
        if (outcome.RateLimited)
        {
            context.Response.Headers.RetryAfter = outcome.RetryAfterSeconds!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Problems.TooManySignIns(outcome.Failure!);
        }
        if (!outcome.Succeeded)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            return Problems.Unauthorized(outcome.Failure!);
        }
        var (principal, session) = (outcome.Principal!, outcome.Session!);
        return JsonBytes.Result(w =>
        {
            w.WriteStartObject();
            w.WriteString("session", session.Id);
            w.WriteString("name", principal.Name);
            w.WriteStartArray("grants");
            foreach (var g in principal.Grants) w.WriteStringValue(g.ToString());
            w.WriteEndArray();
            w.WriteString("expiresAt", SettingJson.Time(session.ExpiresAt));
            w.WriteEndObject();
        }, StatusCodes.Status201Created);
    }

    private static async Task<IResult> SignOut(HttpContext context, SignInService signIn) =>
        await signIn.SignOutAsync(context).ConfigureAwait(false)
            ? TypedResults.NoContent()
            : Problems.NotFound("This request carries no active session to sign out of.");

    private static string Name(SessionRecord session, UserService users, TokenService tokens) =>
        session.UserId is { } userId ? users.FindById(userId)?.Name ?? userId
        : tokens.List().FirstOrDefault(t => t.Id == session.TokenId)?.Name ?? session.TokenId ?? "";

    private static void Write(Utf8JsonWriter w, SessionRecord s, string name)
    {
        w.WriteStartObject();
        w.WriteString("id", s.Id);
        w.WriteString("name", name);
        if (s.UserId is { } user) w.WriteString("user", user);
        if (s.TokenId is { } token) w.WriteString("token", token);
        w.WriteString("createdAt", SettingJson.Time(s.CreatedAt));
        w.WriteString("lastSeenAt", SettingJson.Time(s.LastSeenAt));
        w.WriteString("idleExpiresAt", SettingJson.Time(s.LastSeenAt + s.IdleTimeout));
        w.WriteString("expiresAt", SettingJson.Time(s.ExpiresAt));
        if (s.Client is { } client) w.WriteString("client", client);
        if (s.UserAgent is { Length: > 0 } agent) w.WriteString("userAgent", agent);
        w.WriteEndObject();
    }
}
