using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Strata.Engine;
using Strata.Http;
using Strata.Http.OpenApi;
using Strata.Storage;
using Strata.Validation;

namespace Strata.Access;

/// <summary><c>/api/v1/tokens</c>: create (the secret is shown once), list, revoke. Admin on <c>*</c> only.</summary>
internal static class TokenEndpoints
{
    private static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(100 * 365);

    public static void MapTokens(this RouteGroupBuilder api)
    {
        var tokens = api.MapGroup("/tokens").WithTags("Tokens").Requires(Permission.Admin, global: true);
        tokens.MapGet("/", (SettingsEngine engine) => JsonBytes.Result(w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("tokens");
            foreach (var token in engine.Tokens.List()) Write(w, token, secret: null);
            w.WriteEndArray();
            w.WriteEndObject();
        })).WithName("listTokens").WithSummary("List API tokens (never their secrets)").Answers(200, "TokenList");
        tokens.MapPost("/", Create).WithName("createToken").WithSummary("Create an API token; its secret is shown this once")
            .Accepts("TokenCreate").Answers(201, "CreatedToken");
        tokens.MapDelete("/{id}", Revoke).WithName("revokeToken").WithSummary("Revoke an API token")
            .Answers(204, null).Fails(404);
    }

    private static async Task<IResult> Revoke(string id, SettingsEngine engine, HttpContext context)
    {
        if (!await engine.Tokens.RevokeAsync(id, context.RequestAborted).ConfigureAwait(false))
            return Problems.NotFound($"There is no token '{id}'.");
        await Audit.AuditTrail.RecordAsync(context, "token.revoke", "ok", detail: new { id }).ConfigureAwait(false);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> Create(HttpContext context, SettingsEngine engine)
    {
        var (body, problem) = await RequestJson.ReadAsync(context, engine.Options).ConfigureAwait(false);
        if (problem is not null) return problem;
        if (RequestJson.CheckObject(body, "name", "grants", "expiresIn") is { } shape) return shape;
        var name = RequestJson.OptionalString(body, "name", out problem);
        if (problem is not null) return problem;
        if (string.IsNullOrWhiteSpace(name) || name.Length > 100)
            return Problems.BadRequest("name", "required", "'name' must be a non-empty string of at most 100 characters.");
        if (!body.TryGetProperty("grants", out var list) || list.ValueKind != JsonValueKind.Array || list.GetArrayLength() == 0)
            return Problems.BadRequest("grants", "required", "'grants' must be a non-empty array such as [\"config.read:billing\", \"config.write:billing.*\"].");
        var grants = new List<Grant>();
        foreach (var item in list.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String) return Problems.BadRequest("grants", "type", "Each grant must be a string 'permission:pattern'.");
            if (Grant.TryParse(item.GetString()!, out var error) is not { } grant) return Problems.BadRequest("grants", "grant", error!);
            grants.Add(grant);
        }
        long? expiresAt = null;
        if (RequestJson.OptionalString(body, "expiresIn", out problem) is { } expiresIn)
        {
            if (!DurationParser.TryParse(expiresIn, out var span) || span <= TimeSpan.Zero)
                return Problems.BadRequest("expiresIn", "type", "'expiresIn' must be a duration such as \"30d\" or \"12h\".");
            if (span > MaxLifetime)
                return Problems.BadRequest("expiresIn", "max", $"'expiresIn' can be at most {MaxLifetime.TotalDays:0} days; leave it out for a token that does not expire.");
            expiresAt = engine.Now + (long)span.TotalMilliseconds;
        }
        if (problem is not null) return problem;

        var (record, secret) = await engine.Tokens.CreateAsync(name, grants, expiresAt, context.RequestAborted).ConfigureAwait(false);
        await Audit.AuditTrail.RecordAsync(context, "token.create", "ok",
            detail: new { id = record.Id, name = record.Name, grants = record.Grants, expiresAt = expiresAt is { } at ? SettingJson.Time(at) : (DateTimeOffset?)null })
            .ConfigureAwait(false);
        return JsonBytes.Result(w => Write(w, record, secret), StatusCodes.Status201Created);
    }

    private static void Write(Utf8JsonWriter w, TokenRecord t, string? secret)
    {
        w.WriteStartObject();
        w.WriteString("id", t.Id);
        w.WriteString("name", t.Name);
        w.WriteStartArray("grants");
        foreach (var g in t.Grants) w.WriteStringValue(g);
        w.WriteEndArray();
        w.WriteString("createdAt", SettingJson.Time(t.CreatedAt));
        if (t.ExpiresAt is { } expires) w.WriteString("expiresAt", SettingJson.Time(expires));
        if (t.LastUsedAt is { } used) w.WriteString("lastUsedAt", SettingJson.Time(used));
        if (t.RevokedAt is { } revoked) w.WriteString("revokedAt", SettingJson.Time(revoked));
        if (secret is not null) w.WriteString("token", secret);
        w.WriteEndObject();
    }
}
