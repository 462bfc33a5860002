using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Strata.Engine;
using Strata.Http;
using Strata.Http.OpenApi;
using Strata.Storage;

namespace Strata.Access;

/// <summary><c>/api/v1/users</c>: users who sign in with a password. List, create, set password, set grants, delete. Admin on <c>*</c> only.</summary>
internal static class UserEndpoints
{
    public static void MapUsers(this RouteGroupBuilder api)
    {
        var users = api.MapGroup("/users").WithTags("Users").Requires(Permission.Admin, global: true);
        users.MapGet("/", (UserService service) => JsonBytes.Result(w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("users");
            foreach (var user in service.List()) Write(w, user);
            w.WriteEndArray();
            w.WriteEndObject();
        })).WithName("listUsers").WithSummary("List users (never their password hashes)").Answers(200, "UserList");
        users.MapPost("/", Create).WithName("createUser").WithSummary("Create a user with a password and grants")
            .Accepts("UserCreate").Answers(201, "User").Fails(409);
        users.MapPut("/{user}/password", SetPassword).WithName("setUserPassword").WithSummary("Set a user's password")
            .Accepts("UserPassword").Answers(204, null).Fails(404);
        users.MapPut("/{user}/grants", SetGrants).WithName("setUserGrants").WithSummary("Replace a user's grants (applies at the user's next request)")
            .Accepts("UserGrants").Answers(200, "User").Fails(404);
        users.MapDelete("/{user}", Delete).WithName("deleteUser").WithSummary("Delete a user and end its sessions")
            .Answers(204, null).Fails(404);
    }

    private static async Task<IResult> Create(HttpContext context, SettingsEngine engine, UserService service)
    {
        var (body, problem) = await RequestJson.ReadAsync(context, engine.Options).ConfigureAwait(false);
        if (problem is not null) return problem;
        if (RequestJson.CheckObject(body, "name", "password", "grants") is { } shape) return shape;
        var name = RequestJson.OptionalString(body, "name", out problem);
        if (problem is not null) return problem;
        if (UserService.CheckName(name) is { } badName) return Problems.BadRequest("name", "name", badName);
        var password = RequestJson.OptionalString(body, "password", out problem);
        if (problem is not null) return problem;
        if (UserService.CheckPassword(password) is { } badPassword) return Problems.BadRequest("password", "password", badPassword);
        var (grants, badGrants) = ReadGrants(body);
        if (badGrants is not null) return badGrants;

        var user = await service.CreateAsync(name!, password!, grants!, context.RequestAborted).ConfigureAwait(false);
        if (user is null) return Problems.Conflict($"There is already a user '{name}'.");
        await Audit.AuditTrail.RecordAsync(context, "user.create", "ok", detail: new { id = user.Id, name = user.Name, grants = user.Grants }).ConfigureAwait(false);
        return JsonBytes.Result(w => Write(w, user), StatusCodes.Status201Created);
    }

    private static async Task<IResult> SetPassword(string user, HttpContext context, SettingsEngine engine, UserService service)
    {
        var (body, problem) = await RequestJson.ReadAsync(context, engine.Options).ConfigureAwait(false);
        if (problem is not null) return problem;
        if (RequestJson.CheckObject(body, "password") is { } shape) return shape;
        var password = RequestJson.OptionalString(body, "password", out problem);
        if (problem is not null) return problem;
        if (UserService.CheckPassword(password) is { } badPassword) return Problems.BadRequest("password", "password", badPassword);
        if (await service.SetPasswordAsync(user, password!, context.RequestAborted).ConfigureAwait(false) is not { } changed)
            return Problems.NotFound($"There is no user '{Naming.Names.Truncate(user)}'.");
        await Audit.AuditTrail.RecordAsync(context, "user.password", "ok", detail: new { id = changed.Id, name = changed.Name }).ConfigureAwait(false);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> SetGrants(string user, HttpContext context, SettingsEngine engine, UserService service)
    {
        var (body, problem) = await RequestJson.ReadAsync(context, engine.Options).ConfigureAwait(false);
        if (problem is not null) return problem;
        if (RequestJson.CheckObject(body, "grants") is { } shape) return shape;
        var (grants, badGrants) = ReadGrants(body);
        if (badGrants is not null) return badGrants;
        if (await service.SetGrantsAsync(user, grants!, context.RequestAborted).ConfigureAwait(false) is not { } changed)
            return Problems.NotFound($"There is no user '{Naming.Names.Truncate(user)}'.");
        await Audit.AuditTrail.RecordAsync(context, "user.grants", "ok", detail: new { id = changed.Id, name = changed.Name, grants = changed.Grants }).ConfigureAwait(false);
        return JsonBytes.Result(w => Write(w, changed));
    }

    private static async Task<IResult> Delete(string user, HttpContext context, UserService service, SessionService sessions)
    {
        if (await service.DeleteAsync(user, context.RequestAborted).ConfigureAwait(false) is not { } removed)
            return Problems.NotFound($"There is no user '{Naming.Names.Truncate(user)}'.");
        await sessions.ForgetUserAsync(removed.Id).ConfigureAwait(false);
        await Audit.AuditTrail.RecordAsync(context, "user.delete", "ok", detail: new { id = removed.Id, name = removed.Name }).ConfigureAwait(false);
        return TypedResults.NoContent();
    }

    /// <summary>A non-empty <c>grants</c> array of <c>permission:pattern</c> strings, as tokens take them.</summary>
    private static (List<Grant>? Grants, IResult? Problem) ReadGrants(JsonElement body)
    {
        if (!body.TryGetProperty("grants", out var list) || list.ValueKind != JsonValueKind.Array || list.GetArrayLength() == 0)
            return (null, Problems.BadRequest("grants", "required", "'grants' must be a non-empty array such as [\"config.read:billing\", \"config.write:billing.*\"]."));
        var grants = new List<Grant>();
        foreach (var item in list.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String) return (null, Problems.BadRequest("grants", "type", "Each grant must be a string 'permission:pattern'."));
            if (Grant.TryParse(item.GetString()!, out var error) is not { } grant) return (null, Problems.BadRequest("grants", "grant", error!));
            grants.Add(grant);
        }
        return (grants, null);
    }

    private static void Write(Utf8JsonWriter w, UserRecord u)
    {
        w.WriteStartObject();
        w.WriteString("id", u.Id);
        w.WriteString("name", u.Name);
        w.WriteStartArray("grants");
        foreach (var g in u.Grants) w.WriteStringValue(g);
        w.WriteEndArray();
        w.WriteString("createdAt", SettingJson.Time(u.CreatedAt));
        w.WriteString("updatedAt", SettingJson.Time(u.UpdatedAt));
        w.WriteEndObject();
    }
}
