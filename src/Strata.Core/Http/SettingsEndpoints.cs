using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Strata.Access;
using Strata.Application;
using Strata.Engine;
using Strata.Http.OpenApi;
using Strata.Naming;

namespace Strata.Http;

/// <summary><c>/api/v1/settings</c>: namespaces, resolved reads with provenance, writes, resets and atomic patches.</summary>
internal static class SettingsEndpoints
{
    public static RouteGroupBuilder MapSettings(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/settings").WithTags("Settings");
        group.MapGet("/", ListNamespaces).Requires(Permission.Read)
            .WithName("listNamespaces").WithSummary("List the namespaces the caller may read")
            .Answers(200, "NamespaceList", "Strata-Revision");
        group.MapPatch("/", Patch).Requires(Permission.Write)
            .WithName("patchSettings").WithSummary("Change several keys atomically, in one revision")
            .Accepts("Patch").Answers(200, "CommitResult").Fails(412);
        group.MapGet("/{ns}", GetNamespace).Requires(Permission.Read)
            .WithName("getNamespace").WithSummary("Read every key of a namespace that resolves, with provenance")
            .Query([.. ApiParameters.Read, ApiParameters.Wait, ApiParameters.Index]).TakesIfNoneMatch()
            .Answers(200, "NamespaceSettings", "ETag", "Strata-Revision", "Strata-Index").Fails(404, 409).Decrypts();
        group.MapGet("/{ns}/{key}", GetSetting).Requires(Permission.Read)
            .WithName("getSetting").WithSummary("Read one resolved setting, with provenance")
            .Query(ApiParameters.Read).Answers(200, "Setting", "ETag").Fails(400, 404, 409).Decrypts();
        group.MapPut("/{ns}/{key}", PutSetting).Requires(Permission.Write)
            .WithName("putSetting").WithSummary("Store a value at a scope (201 on creation, 200 on update)")
            .Query(ApiParameters.Scope).TakesIfMatch().Accepts("SettingWrite")
            .Answers(201, "SettingWritten", "ETag", "Strata-Revision").Answers(200, "SettingWritten", "ETag", "Strata-Revision");
        group.MapDelete("/{ns}/{key}", ResetSetting).Requires(Permission.Write)
            .WithName("resetSetting").WithSummary("Remove the override at a scope")
            .Query(ApiParameters.Scope).TakesIfMatch().Answers(200, "SettingReset", "ETag?", "Strata-Revision");
        api.MapGet("/revision", (SettingsEngine engine) => JsonBytes.Result(w =>
        {
            w.WriteStartObject();
            w.WriteNumber("revision", engine.Current.Revision);
            w.WriteEndObject();
        })).WithTags("Settings").Requires(Permission.Read)
            .WithName("getRevision").WithSummary("The current global revision").Answers(200, "Revision");
        return group;
    }

    private static IResult ListNamespaces(SettingsEngine engine, HttpContext context)
    {
        var snapshot = engine.Current;
        var principal = AccessControl.Principal(context);
        Etag.SetRevision(context.Response, snapshot.Revision);
        return JsonBytes.Result(w =>
        {
            w.WriteStartObject();
            w.WriteNumber("revision", snapshot.Revision);
            w.WriteStartArray("namespaces");
            foreach (var name in engine.NamespaceNames(snapshot).Where(n => principal.Can(Permission.Read, n)))
            {
                var defined = engine.Registry.FindNamespace(name);
                w.WriteStartObject();
                w.WriteString("name", defined?.Name ?? name);
                if (defined?.Description is { } description) w.WriteString("description", description);
                w.WriteBoolean("strict", defined?.Strict == true);
                w.WriteNumber("defined", defined?.Settings.Count ?? 0);
                w.WriteNumber("stored", snapshot.Namespace(name)?.All.Count(s => s.HasLiveValue) ?? 0);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    private static async Task<IResult> GetNamespace(string ns, HttpContext context, SettingsEngine engine, RevealCommand reveal)
    {
        if (Names.Check(ns, "Namespace") is { } nameError) return Problems.BadRequest("namespace", "name", nameError);
        if (LongPoll.Parse(context.Request) is var (poll, pollProblem) && pollProblem is not null) return pollProblem;
        var (read, problem) = await ReadOptions.ParseAsync(context.Request, engine, ns).ConfigureAwait(false);
        if (problem is not null) return problem;
        if (!read!.Historical && !engine.NamespaceExists(read.Snapshot, ns))
            return Problems.NotFound($"Namespace '{ns}' has no definitions and no stored values.");
        // Only a valid read of a namespace that exists waits; it then answers from the snapshot it woke to.
        if (poll is not null)
        {
            await poll.WaitAsync(engine, ns, context.RequestServices.GetRequiredService<TimeProvider>(), context.RequestAborted).ConfigureAwait(false);
            read = read with { Snapshot = engine.Current };
        }
        var snapshot = read.Snapshot;
        context.Response.Headers["Strata-Index"] = (snapshot.Namespace(ns)?.Revision ?? 0).ToString(System.Globalization.CultureInfo.InvariantCulture);

        var etag = $"\"r{snapshot.Revision}-{read.Chain}{(read.Explain ? "-x" : "")}\"";
        context.Response.Headers.ETag = etag;
        Etag.SetRevision(context.Response, snapshot.Revision);
        if (Etag.NoneMatch(context.Request, etag, out var badTag)) return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        if (badTag is not null) return badTag;

        var settings = engine.GetNamespace(snapshot, ns, read.Chain, read.Explain);
        if (read.Reveal) await reveal.RunAsync(AccessControl.Caller(context), ns, settings).ConfigureAwait(false);
        return JsonBytes.Result(w =>
        {
            w.WriteStartObject();
            w.WriteString("namespace", engine.Registry.FindNamespace(ns)?.Name ?? settings.FirstOrDefault()?.Namespace ?? ns);
            w.WriteNumber("revision", snapshot.Revision);
            w.WriteStartArray("scopes");
            foreach (var scope in read.Chain.Scopes) w.WriteStringValue(scope);
            w.WriteEndArray();
            w.WriteStartArray("settings");
            foreach (var s in settings) SettingJson.Write(w, s, read.Reveal);
            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    private static async Task<IResult> GetSetting(string ns, string key, HttpContext context, SettingsEngine engine, RevealCommand reveal)
    {
        var request = context.Request;
        if (!request.QueryString.HasValue)
        {
            // The hot path: cached bytes and ETag, no allocation beyond the framework's own.
            if (engine.Get(ns, key) is { } cached)
            {
                context.Response.Headers.ETag = Etag.Version(cached.TargetVersion);
                return JsonBytes.Ready(cached.Json(SettingJson.Render));
            }
        }
        if ((Names.Check(ns, "Namespace") ?? Names.Check(key, "Key")) is { } nameError)
            return Problems.BadRequest("name", "name", nameError);
        var (read, problem) = await ReadOptions.ParseAsync(request, engine, ns).ConfigureAwait(false);
        if (problem is not null) return problem;
        var setting = engine.Get(read!.Snapshot, ns, key, read.Chain, read.Explain);
        if (setting is null) return Problems.NotFound($"'{ns}/{key}' has no value in any layer for scope {read.Chain}.");
        if (read.Reveal) await reveal.RunAsync(AccessControl.Caller(context), ns, [setting]).ConfigureAwait(false);
        context.Response.Headers.ETag = Etag.Version(setting.TargetVersion);
        return JsonBytes.Ready(read.Explain || read.Reveal || !read.Chain.IsGlobalOnly || read.Historical
            ? SettingJson.Render(setting, read.Reveal) : setting.Json(SettingJson.Render));
    }

    private static async Task<IResult> PutSetting(string ns, string key, HttpContext context, SettingsEngine engine, PutCommand put)
    {
        var (body, problem) = await RequestJson.ReadAsync(context, engine.Options).ConfigureAwait(false);
        if (problem is not null) return problem;
        if (RequestJson.CheckObject(body, "value", "comment") is { } shape) return shape;
        if (!body.TryGetProperty("value", out var value))
            return Problems.BadRequest("value", "required", "The body must have a 'value', e.g. {\"value\": 42}.");
        var comment = RequestJson.OptionalString(body, "comment", out problem);
        if (problem is not null) return problem;

        if (!Etag.TryExpectedVersion(context.Request, out var expected, out problem)) return problem!;
        var change = new Change(ns, key, context.Request.Query["scope"].ToString(), value, expected);
        var result = await put.RunAsync(AccessControl.Caller(context), change, comment).ConfigureAwait(false);
        var applied = result.Applied;
        context.Response.Headers.ETag = Etag.Version(applied.Version);
        Etag.SetRevision(context.Response, result.Revision);
        return JsonBytes.Result(w =>
        {
            w.WriteStartObject();
            w.WriteString("namespace", applied.Namespace);
            w.WriteString("key", applied.Key);
            w.WriteString("scope", applied.Scope);
            SettingJson.WriteValue(w, "value", value, result.Sensitive);
            w.WriteNumber("version", applied.Version);
            w.WriteNumber("revision", result.Revision);
            w.WriteString("createdAt", SettingJson.Time(applied.CreatedAt));
            w.WriteString("updatedAt", SettingJson.Time(applied.UpdatedAt));
            w.WriteEndObject();
        }, applied.Version == 1 ? StatusCodes.Status201Created : StatusCodes.Status200OK);
    }

    /// <summary>
    /// Removes the override at one scope. The answer says what the write did, never a value: a caller may write
    /// without being allowed to read, and what a read now gets is a read.
    /// </summary>
    private static async Task<IResult> ResetSetting(string ns, string key, HttpContext context, ResetCommand reset)
    {
        if (!Etag.TryExpectedVersion(context.Request, out var expected, out var problem)) return problem!;
        var result = await reset.RunAsync(AccessControl.Caller(context), ns, key, context.Request.Query["scope"].ToString(), expected).ConfigureAwait(false);
        Etag.SetRevision(context.Response, result.Revision);
        var applied = result.Applied;
        if (applied is not null) context.Response.Headers.ETag = Etag.Version(applied.Version);
        return JsonBytes.Result(w =>
        {
            w.WriteStartObject();
            w.WriteString("namespace", result.Namespace);
            w.WriteString("key", result.Key);
            w.WriteString("scope", result.Scope);
            w.WriteBoolean("reset", result.Reset);
            if (applied is not null) w.WriteNumber("version", applied.Version);
            w.WriteNumber("revision", result.Revision);
            w.WriteEndObject();
        });
    }

    private static async Task<IResult> Patch(HttpContext context, SettingsEngine engine, PatchCommand patch)
    {
        // A value sits two levels deeper here ("changes", its item) than in a PUT body, and may be as deep as there.
        var (body, problem) = await RequestJson.ReadAsync(context, engine.Options, extraDepth: 2).ConfigureAwait(false);
        if (problem is not null) return problem;
        if (RequestJson.CheckObject(body, "changes", "comment") is { } shape) return shape;
        var comment = RequestJson.OptionalString(body, "comment", out problem);
        if (problem is not null) return problem;
        if (!body.TryGetProperty("changes", out var list) || list.ValueKind != JsonValueKind.Array)
            return Problems.BadRequest("changes", "required", "'changes' must be an array of {namespace, key, scope?, value | reset: true, ifVersion?}.");

        var changes = new List<Change>();
        var index = 0;
        foreach (var item in list.EnumerateArray())
        {
            var field = $"changes[{index++}]";
            if (RequestJson.CheckObject(item, "namespace", "key", "scope", "value", "reset", "ifVersion") is not null)
                return Problems.BadRequest(field, "shape", $"{field} must be an object with namespace, key, optional scope, and either value or reset: true (optional ifVersion).");
            var ns = item.TryGetProperty("namespace", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : "";
            var key = item.TryGetProperty("key", out var k) && k.ValueKind == JsonValueKind.String ? k.GetString()! : "";
            var scope = item.TryGetProperty("scope", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
            var reset = item.TryGetProperty("reset", out var r) && r.ValueKind == JsonValueKind.True;
            var hasValue = item.TryGetProperty("value", out var value);
            if (reset == hasValue)
                return Problems.BadRequest(field, "shape", $"{field} must have either 'value' or 'reset': true.");
            long? ifVersion = null;
            if (item.TryGetProperty("ifVersion", out var iv))
            {
                if (!RequestJson.TryInt64(iv, out var v)) return Problems.BadRequest($"{field}.ifVersion", "type", "'ifVersion' must be an integer.");
                ifVersion = v;
            }
            changes.Add(new Change(ns, key, scope ?? Scope.Global, reset ? null : value, ifVersion));
        }
        var result = await patch.RunAsync(AccessControl.Caller(context), changes, comment).ConfigureAwait(false);
        return CommitJson(result);
    }

    internal static IResult CommitJson(CommitResult result) => JsonBytes.Result(w =>
    {
        w.WriteStartObject();
        w.WriteNumber("revision", result.Revision);
        w.WriteStartArray("applied");
        foreach (var a in result.Applied)
        {
            w.WriteStartObject();
            w.WriteString("namespace", a.Namespace);
            w.WriteString("key", a.Key);
            w.WriteString("scope", a.Scope);
            w.WriteNumber("version", a.Version);
            w.WriteBoolean("reset", a.Reset);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    });

}
