using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Strata.Access;
using Strata.Engine;
using Strata.Http;
using Strata.Http.OpenApi;

namespace Strata.Security;

/// <summary><c>/api/v1/keys</c>: the data keys that encrypt secrets, and rotation.</summary>
internal static class KeyEndpoints
{
    public static void MapKeys(this RouteGroupBuilder api)
    {
        var keys = api.MapGroup("/keys").WithTags("Keys").Requires(Permission.Admin, global: true);
        keys.MapGet("/", List).WithName("listKeys").WithSummary("The data keys that encrypt secrets, and the rotation's state")
            .Answers(200, "KeyList");
        keys.MapPost("/rotate", Rotate).WithName("rotateKeys").WithSummary("Start a key rotation: a new active data key, secrets re-encrypted in the background")
            .Answers(202, "KeyRotation").Fails(409);
    }

    private static async Task<IResult> List(SettingsEngine engine, HttpContext context)
    {
        var keys = await engine.Secrets.DescribeAsync(context.RequestAborted).ConfigureAwait(false);
        var rotation = engine.Secrets.Rotation;
        return JsonBytes.Result(w =>
        {
            w.WriteStartObject();
            w.WriteBoolean("encryption", engine.Secrets.Enabled);
            if (engine.Secrets.ActiveKeyId is { } active) w.WriteString("active", active);
            w.WriteString("rotation", rotation.IsFaulted ? "failed" : rotation.IsCompleted ? "idle" : "running");
            w.WriteStartArray("keys");
            foreach (var (key, values) in keys)
            {
                w.WriteStartObject();
                w.WriteString("id", key.Id);
                w.WriteString("state", key.State);
                w.WriteString("createdAt", SettingJson.Time(key.CreatedAt));
                w.WriteNumber("records", values);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    private static async Task<IResult> Rotate(SettingsEngine engine, HttpContext context)
    {
        if (!engine.Secrets.Enabled)
            return TypedResults.Problem(title: "Encryption is not configured", statusCode: StatusCodes.Status409Conflict,
                detail: $"Set {MasterKey.Variable} (or Strata:MasterKeyFile) and restart before rotating keys.", type: "urn:strata:problem:no-master-key");
        var id = await engine.Secrets.RotateAsync(context.RequestAborted).ConfigureAwait(false);
        await Audit.AuditTrail.RecordAsync(context, "key.rotate", "ok", detail: new { active = id }).ConfigureAwait(false);
        return JsonBytes.Result(w =>
        {
            w.WriteStartObject();
            w.WriteString("active", id);
            w.WriteString("rotation", "running");
            w.WriteEndObject();
        }, StatusCodes.Status202Accepted);
    }
}
