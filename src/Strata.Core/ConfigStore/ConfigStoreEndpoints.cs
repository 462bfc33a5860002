using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Strata.Access;
using Strata.Application;
using Strata.Audit;
using Strata.Engine;
using Strata.Http;
using Strata.Http.OpenApi;
using Strata.Naming;
using Strata.Resolution;
using Strata.Watch;

namespace Strata.ConfigStore;

/// <summary>
/// <c>/config</c>: the ConfigStore (seed 001) and settings-service (seed 003) APIs, answered by the same engine
/// and rules as v1. Flat keys of <c>/config/patch</c> and <c>GET /config</c> live in
/// <see cref="StrataOptions.ConfigStoreNamespace"/>; <c>ns/key</c> names any other namespace.
/// </summary>
internal static class ConfigStoreEndpoints
{
    public static RouteGroupBuilder MapConfigStore(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/config").WithTags("ConfigStore");
        group.MapGet("/", Snapshot).Requires(Permission.Read)
            .WithName("getConfigSnapshot").WithSummary("Every resolved value at global scope, secrets masked")
            .TakesIfNoneMatch().Answers(200, "ConfigSnapshot", "ETag");
        group.MapPost("/patch", Patch).Requires(Permission.Write)
            .WithName("patchConfig").WithSummary("Set several values atomically (seed 003)")
            .Accepts("ConfigPatch").Answers(200, "ConfigEvent");
        group.MapPost("/reload", Reload).Requires(Permission.Admin, global: true)
            .WithName("reloadConfig").WithSummary("Re-read the store and re-publish the snapshot")
            .Answers(200, "ConfigEvent").Decrypts();
        group.MapGet("/_watch", Watch).Requires(Permission.Read)
            .WithName("watchConfig").WithSummary("Seed 003's {event, version, changed} message for every commit, as server-sent events")
            .AnswersIn(200, "WatchEvent", "text/event-stream").Fails(400);
        group.MapGet("/{ns}", List).Requires(Permission.Read)
            .WithName("listConfigRecords").WithSummary("Every record of a namespace (seed 001)")
            .Answers(200, "ConfigRecordList").Fails(400);
        group.MapMethods("/{ns}/{key}", ["GET", "HEAD"], Get).Requires(Permission.Read)
            .WithName("getConfigRecord").WithSummary("One record (seed 001)")
            .Answers(200, "ConfigRecord").Fails(400, 404);
        group.MapPut("/{ns}/{key}", Put).Requires(Permission.Write)
            .WithName("putConfigRecord").WithSummary("Upsert a value at global scope; the body is the value")
            .TakesIfMatch().Accepts("AnyValue").Answers(200, "ConfigRecord", "ETag");
        group.MapDelete("/{ns}/{key}", Delete).Requires(Permission.Write)
            .WithName("deleteConfigRecord").WithSummary("Remove the stored value")
            .TakesIfMatch().Answers(204, null).Fails(400, 404);
        return group;
    }

    private static IResult Watch(HttpContext context, SettingsEngine engine)
    {
        var (resume, badResume) = WatchEndpoints.ResumePoint(context.Request);
        if (badResume is not null) return badResume;
        var format = new ConfigWatchFormat(AccessControl.Principal(context), engine.Options.ConfigStoreNamespace, engine.Signing);
        return WatchEndpoints.Stream(context, engine, format, resume, () => Task.CompletedTask, null);
    }

    private static IResult Get(string ns, string key, SettingsEngine engine)
    {
        if ((Names.Check(ns, "Namespace") ?? Names.Check(key, "Key")) is { } nameError)
            return Problems.BadRequest("name", "name", nameError);
        return engine.Get(ns, key) is { } setting
            ? JsonBytes.Result(w => WriteItem(w, setting))
            : Problems.NotFound($"Config '{ns}/{key}' does not exist.");
    }

    private static IResult List(string ns, SettingsEngine engine)
    {
        if (Names.Check(ns, "Namespace") is { } nameError) return Problems.BadRequest("namespace", "name", nameError);
        var settings = engine.GetNamespace(engine.Current, ns, ScopeChain.GlobalOnly);
        return JsonBytes.Result(w =>
        {
            w.WriteStartArray();
            foreach (var s in settings) WriteItem(w, s);
            w.WriteEndArray();
        });
    }

    private static async Task<IResult> Put(string ns, string key, HttpContext context, SettingsEngine engine, PutCommand put)
    {
        var (body, problem) = await RequestJson.ReadAsync(context, engine.Options).ConfigureAwait(false);
        if (problem is not null) return problem;
        if (!Etag.TryExpectedVersion(context.Request, out var expected, out problem)) return problem!;
        var result = await put.RunAsync(AccessControl.Caller(context), new Change(ns, key, Scope.Global, body, expected), readBack: true).ConfigureAwait(false);
        var applied = result.Applied;
        context.Response.Headers.ETag = Etag.Version(applied.Version);
        return result.Read is { } setting
            ? JsonBytes.Result(w => WriteItem(w, setting))
            : JsonBytes.Result(w => WriteItem(w, applied, body, result.Sensitive));
    }

    private static async Task<IResult> Delete(string ns, string key, HttpContext context, ResetCommand reset)
    {
        if (!Etag.TryExpectedVersion(context.Request, out var expected, out var problem)) return problem!;
        var result = await reset.RunAsync(AccessControl.Caller(context), ns, key, Scope.Global, expected).ConfigureAwait(false);
        return !result.Reset
            ? Problems.NotFound($"Config '{ns}/{key}' has no stored value to delete.")
            : TypedResults.NoContent();
    }

    /// <summary>
    /// Seed 003's snapshot: every resolved value the caller may read. Masking never changes the shape of the data: a
    /// secret keeps its key with the mask as its value, and <c>masked</c>, beside the map, lists those keys.
    /// </summary>
    private static IResult Snapshot(SettingsEngine engine, HttpContext context)
    {
        var snapshot = engine.Current;
        var etag = Etag.Revision(snapshot.Revision);
        context.Response.Headers.ETag = etag;
        if (Etag.NoneMatch(context.Request, etag, out var badTag)) return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        if (badTag is not null) return badTag;
        var home = engine.Options.ConfigStoreNamespace;
        var principal = AccessControl.Principal(context);
        return JsonBytes.Result(w =>
        {
            var masked = new List<string>();
            w.WriteStartObject();
            w.WriteNumber("version", snapshot.Revision);
            w.WriteStartObject("config");
            foreach (var ns in engine.NamespaceNames(snapshot).Where(n => principal.Can(Permission.Read, n)))
                foreach (var s in engine.GetNamespace(snapshot, ns, ScopeChain.GlobalOnly))
                {
                    var name = Names.Comparer.Equals(ns, home) ? s.Key : $"{s.Namespace}/{s.Key}";
                    w.WritePropertyName(name);
                    if (s.Sensitive)
                    {
                        w.WriteStringValue(SettingJson.Mask);
                        masked.Add(name);
                    }
                    else s.Value.WriteTo(w);
                }
            w.WriteEndObject();
            w.WriteStartArray("masked");
            foreach (var name in masked) w.WriteStringValue(name);
            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    private static async Task<IResult> Patch(HttpContext context, SettingsEngine engine, PatchCommand patch)
    {
        // A value sits one level deeper here ("updates") than in a v1 PUT body's "value".
        var (body, problem) = await RequestJson.ReadAsync(context, engine.Options, extraDepth: 1).ConfigureAwait(false);
        if (problem is not null) return problem;
        if (RequestJson.CheckObject(body, "updates", "comment") is { } shape) return shape;
        if (!body.TryGetProperty("updates", out var updates) || updates.ValueKind != JsonValueKind.Object)
            return Problems.BadRequest("updates", "required", "'updates' must be an object of KEY: value (or \"namespace/key\": value).");
        var comment = RequestJson.OptionalString(body, "comment", out problem);
        if (problem is not null) return problem;

        var changes = updates.EnumerateObject().Select(p =>
        {
            var slash = p.Name.IndexOf('/');
            return slash < 0
                ? new Change(engine.Options.ConfigStoreNamespace, p.Name, Scope.Global, p.Value)
                : new Change(p.Name[..slash], p.Name[(slash + 1)..], Scope.Global, p.Value);
        }).ToList();
        var result = await patch.RunAsync(AccessControl.Caller(context), changes, comment).ConfigureAwait(false);
        return Event("updated", result.Revision, changes.Select(c => c.Key));
    }

    private static async Task<IResult> Reload(HttpContext context, SettingsEngine engine)
    {
        var result = await engine.ReloadAsync(AuditTrail.Actor(context)).ConfigureAwait(false);
        await AuditTrail.RecordAsync(context, "config.reload", "ok", detail: new { revision = result.Revision }).ConfigureAwait(false);
        return Event("reloaded", result.Revision, []);
    }

    /// <summary>The body has the shape of seed 003's pub/sub message: <c>{event, version, changed}</c>.</summary>
    private static IResult Event(string name, long revision, IEnumerable<string> changed) => JsonBytes.Result(w =>
    {
        w.WriteStartObject();
        w.WriteString("event", name);
        w.WriteNumber("version", revision);
        w.WriteStartArray("changed");
        foreach (var key in changed) w.WriteStringValue(key);
        w.WriteEndArray();
        w.WriteEndObject();
    });

    /// <summary>Seed 001's record: id, namespace, key, value, version, created_at, updated_at.</summary>
    private static void WriteItem(Utf8JsonWriter w, ResolvedSetting s)
    {
        w.WriteStartObject();
        w.WriteString("id", StableId(s.Namespace, s.Key));
        w.WriteString("namespace", s.Namespace);
        w.WriteString("key", s.Key);
        SettingJson.WriteValue(w, "value", s.Value, s.Sensitive);
        w.WriteNumber("version", s.Stored?.Version ?? 0);
        if (s.Stored is { } stored)
        {
            w.WriteString("created_at", SettingJson.Time(stored.CreatedAt));
            w.WriteString("updated_at", SettingJson.Time(stored.UpdatedAt));
        }
        else
        {
            w.WriteNull("created_at");
            w.WriteNull("updated_at");
        }
        w.WriteString("source", SettingJson.LayerName(s.Source));
        w.WriteEndObject();
    }

    /// <summary>The record of a value just written, from the write itself (for a caller who may not read).</summary>
    private static void WriteItem(Utf8JsonWriter w, AppliedChange a, JsonElement value, bool sensitive)
    {
        w.WriteStartObject();
        w.WriteString("id", StableId(a.Namespace, a.Key));
        w.WriteString("namespace", a.Namespace);
        w.WriteString("key", a.Key);
        SettingJson.WriteValue(w, "value", value, sensitive);
        w.WriteNumber("version", a.Version);
        w.WriteString("created_at", SettingJson.Time(a.CreatedAt));
        w.WriteString("updated_at", SettingJson.Time(a.UpdatedAt));
        w.WriteString("source", SettingJson.LayerName(SettingLayer.Override));
        w.WriteEndObject();
    }

    /// <summary>A name-based UUID: the same namespace/key always has the same id, in every instance.</summary>
    private static Guid StableId(string ns, string key)
    {
        Span<byte> hash = stackalloc byte[20];
        SHA1.HashData(Encoding.UTF8.GetBytes($"{ns.ToLowerInvariant()}/{key.ToLowerInvariant()}"), hash);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash[..16], bigEndian: true);
    }
}
