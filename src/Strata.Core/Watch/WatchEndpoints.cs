using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Primitives;
using Strata.Access;
using Strata.Application;
using Strata.Audit;
using Strata.Engine;
using Strata.Http;
using Strata.Http.OpenApi;
using Strata.Naming;

namespace Strata.Watch;

/// <summary>
/// Live changes (docs/watch.md): <c>/api/v1/watch</c> (server-sent events), <c>/api/v1/snapshot</c>, the public
/// signing key, and the consumers that follow this server.
/// </summary>
internal static class WatchEndpoints
{
    public const string ApplicationHeader = "Strata-Consumer-Application", InstanceHeader = "Strata-Consumer-Instance",
        HostHeader = "Strata-Consumer-Host";

    public static RouteGroupBuilder MapWatch(this RouteGroupBuilder api)
    {
        api.MapGet("/watch", Watch).WithTags("Watch").Requires(Permission.Read)
            .WithName("watch").WithSummary("Follow changes as server-sent events, resumable from a revision")
            .Query(ApiParameters.Namespaces, ApiParameters.Keys, ApiParameters.ScopeChain, ApiParameters.Since)
            .AnswersIn(200, "WatchEvent", "text/event-stream").Fails(400);
        api.MapGet("/snapshot", Snapshot).WithTags("Watch").Requires(Permission.Read)
            .WithName("getSnapshot").WithSummary("Every resolved value of some namespaces at one revision, signed")
            .Query(ApiParameters.Namespaces, ApiParameters.ScopeChain).Answers(200, "Snapshot", "Strata-Revision").Fails(400);
        // Written as text: base64's '+' and '/' stay as they are (a JSON writer escapes '+'), so shell tools can copy the key.
        api.MapGet("/signing-key", (SettingsEngine engine) => JsonBytes.Ready(System.Text.Encoding.ASCII.GetBytes(
            $"{{\"algorithm\":\"Ed25519\",\"keyId\":\"{engine.Signing.KeyId}\",\"publicKey\":\"{engine.Signing.PublicKey}\"}}"))).WithTags("Watch").WithName("getSigningKey").WithSummary("The public key that signs events and snapshots (no token needed)")
            .Answers(200, "SigningKey");
        api.MapGet("/consumers", Consumers).WithTags("Watch").Requires(Permission.Read)
            .WithName("listConsumers").WithSummary("Services following this server and the revision each has applied")
            .Answers(200, "ConsumerList");
        api.MapPut("/consumers/{instance}", Report).WithTags("Watch").Requires(Permission.Read)
            .WithName("reportConsumer").WithSummary("Say which revision this consumer instance has applied")
            .Accepts("ConsumerReport").Answers(204, null).Fails(400, 404);
        return api;
    }

    private static async Task<IResult> Watch(HttpContext http, SettingsEngine engine, ConsumerRegistry consumers)
    {
        var (view, problem) = await ViewAsync(http, engine).ConfigureAwait(false);
        if (problem is not null) return problem;
        var (resume, badResume) = ResumePoint(http.Request);
        if (badResume is not null) return badResume;

        var principal = AccessControl.Principal(http);
        // A resume point in the future gets a reset: the consumer holds at most the current revision.
        var consumer = Connect(http, consumers, view!, principal.TokenId, Math.Min(resume ?? long.MaxValue, engine.Current.Revision));
        if (consumer is not null) http.Response.RegisterForDispose(consumer);
        return Stream(http, engine, view!, resume,
            () => AuditTrail.RecordAsync(http, "secret.reveal", "ok", string.Join(",", view!.Namespaces.Where(view.Reveals)), detail: new { via = "watch" }),
            consumer is not null ? consumer.Seen : null);
    }

    /// <summary>
    /// The SSE answer of a stream in <paramref name="format"/>. It ends with a <c>closing</c> event at shutdown and when
    /// the caller's token is revoked or expires.
    /// </summary>
    public static IResult Stream(HttpContext http, SettingsEngine engine, WatchFormat format, long? resume, Func<Task> auditReveal, Action? seen)
    {
        var principal = AccessControl.Principal(http);
        var lifetime = http.RequestServices.GetRequiredService<IHostApplicationLifetime>();
        var sessions = http.RequestServices.GetRequiredService<SessionService>();
        var tokenEnded = principal.TokenId is { } id ? engine.Tokens.Ended(id) : CancellationToken.None;
        var sessionEnded = principal.SessionId is { } session ? sessions.Ended(session) : CancellationToken.None;
        // Disposed with the response: the stream runs after the handler returns.
        var ending = CancellationTokenSource.CreateLinkedTokenSource(tokenEnded, sessionEnded, lifetime.ApplicationStopping);
        http.Response.RegisterForDispose(ending);
        var stream = new WatchStream(engine, format, engine.Signing, resume, ending.Token,
            () => lifetime.ApplicationStopping.IsCancellationRequested ? "shutdown" : sessionEnded.IsCancellationRequested ? "session" : "token",
            () => (principal.TokenId is not { } t || engine.Tokens.IsValid(t)) && (principal.SessionId is not { } s || sessions.Use(s) is not null),
            auditReveal, seen);
        // Proxies must not buffer the stream.
        http.Response.Headers["X-Accel-Buffering"] = "no";
        return TypedResults.ServerSentEvents(stream.RunAsync(http.RequestAborted));
    }

    private static async Task<IResult> Snapshot(HttpContext http, SettingsEngine engine, RevealCommand reveal)
    {
        var (view, problem) = await ViewAsync(http, engine).ConfigureAwait(false);
        if (problem is not null) return problem;
        var snapshot = engine.Current;
        var settings = view!.Namespaces.Select(ns => (Namespace: ns, Settings: engine.GetNamespace(snapshot, ns, view.Chain))).ToList();
        // Secrets go out in clear only where the caller may reveal them: each one audited, as any reveal is.
        foreach (var (ns, list) in settings)
            if (view.Reveals(ns) && list.Any(s => s.Sensitive))
                await reveal.RunAsync(AccessControl.Caller(http), ns, list).ConfigureAwait(false);
        Etag.SetRevision(http.Response, snapshot.Revision);
        var bytes = SignedJson.Write(engine.Signing, (Snapshot: snapshot, Settings: settings, View: view, engine.Now), static (w, s) =>
        {
            w.WriteNumber("revision", s.Snapshot.Revision);
            SignedJson.Time(w, "at", s.Now);
            w.WriteStartArray("namespaces");
            foreach (var (ns, _) in s.Settings) w.WriteStringValue(ns);
            w.WriteEndArray();
            // The request is signed into the answer: a relay cannot pass another view's snapshot off as this one.
            w.WriteStartArray("scopes");
            foreach (var scope in s.View.Chain.Scopes) w.WriteStringValue(scope);
            w.WriteEndArray();
            w.WriteStartArray("settings");
            foreach (var (ns, list) in s.Settings)
                foreach (var setting in list) SettingJson.Write(w, setting, s.View.Reveals(ns));
            w.WriteEndArray();
        });
        return JsonBytes.Ready(bytes);
    }

    private static IResult Consumers(HttpContext http, SettingsEngine engine, ConsumerRegistry consumers)
    {
        var principal = AccessControl.Principal(http);
        var snapshot = engine.Current;
        return JsonBytes.Result(w =>
        {
            w.WriteStartObject();
            w.WriteNumber("revision", snapshot.Revision);
            w.WriteStartArray("consumers");
            foreach (var c in consumers.List())
            {
                var visible = c.Namespaces.Where(ns => principal.Can(Permission.Read, ns)).ToList();
                if (visible.Count == 0) continue;
                // Behind when a commit after the applied revision touched one of its namespaces the caller may see.
                var latest = visible.Max(ns => snapshot.Namespace(ns)?.Revision ?? 0);
                w.WriteStartObject();
                w.WriteString("instance", c.Instance);
                if (c.Application is not null) w.WriteString("application", c.Application);
                if (c.Host is not null) w.WriteString("host", c.Host);
                w.WriteStartArray("namespaces");
                foreach (var ns in visible) w.WriteStringValue(ns);
                w.WriteEndArray();
                w.WriteNumber("appliedRevision", c.AppliedRevision);
                w.WriteBoolean("behind", latest > c.AppliedRevision);
                SignedJson.Time(w, "connectedSince", c.ConnectedSince);
                SignedJson.Time(w, "lastSeen", c.LastSeen);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    private static async Task<IResult> Report(string instance, HttpContext http, SettingsEngine engine, ConsumerRegistry consumers)
    {
        var (body, problem) = await RequestJson.ReadAsync(http, engine.Options).ConfigureAwait(false);
        if (problem is not null) return problem;
        if (RequestJson.CheckObject(body, "revision") is { } shape) return shape;
        if (!body.TryGetProperty("revision", out var value) || value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var revision) || revision < 0)
            return Problems.BadRequest("revision", "type", "The body must be {\"revision\": N} with N a revision number (0 or more).");
        if (revision > engine.Current.Revision)
            return Problems.BadRequest("revision", "range", $"Revision {revision} is in the future; the current one is {engine.Current.Revision}.");
        return consumers.Report(Clip(instance)!, AccessControl.Principal(http).TokenId, revision)
            ? TypedResults.NoContent()
            : Problems.NotFound($"No watch of this token is open for consumer instance '{instance}'.");
    }

    /// <summary>Where a stream resumes: <c>Last-Event-ID</c>, else <c>?since=</c>; null for live events only.</summary>
    public static (long? After, IResult? Problem) ResumePoint(HttpRequest request)
    {
        var since = request.Headers["Last-Event-ID"] is { Count: > 0 } lastId ? lastId : request.Query["since"];
        if (StringValues.IsNullOrEmpty(since)) return (null, null);
        return long.TryParse(since, NumberStyles.None, CultureInfo.InvariantCulture, out var revision)
            ? (revision, null)
            : (null, Problems.BadRequest("since", "type", "'since' (or Last-Event-ID) must be a revision number (0 or more)."));
    }

    /// <summary>The view of <c>ns</c>, <c>keys</c> and <c>scope</c>, after checking the caller may read every namespace named.</summary>
    private static async Task<(WatchView? View, IResult? Problem)> ViewAsync(HttpContext http, SettingsEngine engine)
    {
        var query = http.Request.Query;
        var namespaces = Split(query["ns"]);
        if (namespaces.Count == 0)
            return (null, Problems.BadRequest("ns", "required", "Name the namespaces to follow: ?ns=checkout,features."));
        foreach (var ns in namespaces)
            if (Names.Check(ns, "Namespace") is { } error) return (null, Problems.BadRequest("ns", "name", error));
        var keys = query.ContainsKey("keys") ? Split(query["keys"]) : null;
        if (keys is { Count: 0 }) return (null, Problems.BadRequest("keys", "required", "'keys' names no key: leave it out to follow every key."));
        foreach (var key in keys ?? [])
            if (Names.Check(key, "Key") is { } error) return (null, Problems.BadRequest("keys", "name", error));
        var chain = ScopeChain.TryParse(query["scope"], out var scopeError);
        if (chain is null) return (null, Problems.BadRequest("scope", "scope", scopeError!));
        var principal = AccessControl.Principal(http);
        foreach (var ns in namespaces)
            if (!principal.Can(Permission.Read, ns))
                return (null, await AccessControl.DenyAsync(http, Permission.Read, ns).ConfigureAwait(false));
        return (new WatchView(namespaces, keys, chain, namespaces.Where(ns => principal.Can(Permission.Reveal, ns)),
            new WatchRendering(engine.Resolver, engine.Signing)), null);
    }

    private static ConsumerRegistry.Connection? Connect(HttpContext http, ConsumerRegistry consumers, WatchView view, string? tokenId, long applied)
    {
        var headers = http.Request.Headers;
        return Clip(headers[InstanceHeader].ToString()) is { } instance
            ? consumers.Connect(instance, Clip(headers[ApplicationHeader].ToString()), Clip(headers[HostHeader].ToString()), view.Namespaces, tokenId, applied)
            : null;
    }

    // Names a client gives itself are shown to operators: bounded, and empty means not given.
    private static string? Clip(string value) => value.Length == 0 ? null : value.Length <= 128 ? value : value[..128];

    private static List<string> Split(StringValues values) =>
        [.. values.SelectMany(v => (v ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).Distinct(Names.Comparer)];
}
