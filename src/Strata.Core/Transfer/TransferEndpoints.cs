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
using Strata.Yaml;

namespace Strata.Transfer;

/// <summary>
/// Export of stored overrides as <c>strata-export/1</c> (JSON or YAML) and import of the same, atomically.
/// Sensitive values are never exported; their names are listed under <c>omitted</c>.
/// </summary>
internal static class TransferEndpoints
{
    public const string Format = "strata-export/1";

    public static void MapTransfer(this RouteGroupBuilder api)
    {
        api.MapGet("/export", Export).WithTags("Transfer").Requires(Permission.Read)
            .WithName("exportSettings").WithSummary("Export stored overrides as strata-export/1 (JSON or YAML)")
            .Query(ApiParameters.ExportNamespaces, ApiParameters.Secrets, ApiParameters.Format)
            .AnswersIn(200, "ExportDocument", OperationContractExtensions.Json, "application/yaml");
        api.MapPost("/import", Import).WithTags("Transfer").Requires(Permission.Write)
            .WithName("importSettings").WithSummary("Apply a strata-export/1 document (JSON or YAML) atomically")
            .Query(ApiParameters.Comment).Accepts("ImportDocument", yaml: true).Answers(200, "CommitResult");
    }

    private static async Task<IResult> Export(HttpRequest request, SettingsEngine engine)
    {
        var principal = AccessControl.Principal(request.HttpContext);
        var wanted = request.Query["namespace"].Where(n => !string.IsNullOrEmpty(n)).Select(n => n!).ToList();
        foreach (var ns in wanted)
        {
            if (Names.Check(ns, "Namespace") is { } error) return Problems.BadRequest("namespace", "name", error);
            if (!principal.Can(Permission.Read, ns)) return await AccessControl.DenyAsync(request.HttpContext, Permission.Read, ns).ConfigureAwait(false);
        }
        var withSecrets = false;
        if (request.Query.TryGetValue("secrets", out var secretsText) && !bool.TryParse(secretsText, out withSecrets))
            return Problems.BadRequest("secrets", "type", "'secrets' must be true or false.");
        var yaml = request.Query["format"] == "yaml";
        if (!yaml && request.Query.TryGetValue("format", out var f) && f != "json")
            return Problems.BadRequest("format", "allowedValues", "'format' must be json or yaml.");

        var snapshot = engine.Current;
        var omitted = new List<string>();
        var exported = new List<string>();
        var readable = wanted.Count > 0 ? wanted : snapshot.NamespaceNames.Where(n => principal.Can(Permission.Read, n)).ToList();
        if (withSecrets && readable.FirstOrDefault(n => !principal.Can(Permission.Reveal, n)) is { } hidden)
            return await AccessControl.DenyAsync(request.HttpContext, Permission.Reveal, hidden).ConfigureAwait(false);
        var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("format", Format);
            w.WriteNumber("revision", snapshot.Revision);
            w.WriteString("exportedAt", DateTimeOffset.UtcNow);
            // Says so in the file: a document with secrets in clear must be handled as a secret itself.
            w.WriteBoolean("secrets", withSecrets);
            w.WriteStartObject("settings");
            foreach (var ns in readable.OrderBy(n => n, StringComparer.OrdinalIgnoreCase))
            {
                var states = snapshot.Namespace(ns)?.All.Where(s => s.HasLiveValue).ToList() ?? [];
                if (states.Count == 0) continue;
                w.WriteStartObject(states[0].Namespace);
                foreach (var byScope in states.SelectMany(s => s.Values.Where(v => v.IsLive).Select(v => (State: s, Value: v)))
                             .GroupBy(x => x.Value.Scope, StringComparer.OrdinalIgnoreCase).OrderBy(g => g.Key, StringComparer.Ordinal))
                {
                    w.WriteStartObject(byScope.Key);
                    foreach (var (state, value) in byScope.OrderBy(x => x.State.Key, StringComparer.OrdinalIgnoreCase))
                    {
                        if (engine.Registry.IsSensitive(state.Namespace, state.Key))
                        {
                            if (!withSecrets)
                            {
                                omitted.Add($"{state.Namespace}/{state.Key}@{value.Scope}");
                                continue;
                            }
                            exported.Add($"{state.Namespace}/{state.Key}@{value.Scope}");
                        }
                        w.WritePropertyName(state.Key);
                        value.Value.WriteTo(w);
                    }
                    w.WriteEndObject();
                }
                w.WriteEndObject();
            }
            w.WriteEndObject();
            w.WriteStartArray("omitted");
            foreach (var name in omitted) w.WriteStringValue(name);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        if (exported.Count > 0)
            await AuditTrail.RecordAsync(request.HttpContext, "secret.export", "ok", detail: new { settings = exported }).ConfigureAwait(false);
        if (!yaml) return JsonBytes.Ready(buffer.ToArray());
        var document = JsonSerializer.Deserialize<JsonElement>(buffer.ToArray());
        return TypedResults.Text(YamlJson.ToYaml(document), "application/yaml", Encoding.UTF8);
    }

    private static async Task<IResult> Import(HttpContext context, SettingsEngine engine, ImportCommand import)
    {
        JsonElement body;
        if (YamlBody.IsYamlContentType(context.Request.ContentType))
        {
            var (parsed, problem) = await YamlBody.ReadAsync(context, engine.Options).ConfigureAwait(false);
            if (problem is not null) return problem;
            body = parsed;
        }
        else
        {
            var (parsed, problem) = await RequestJson.ReadAsync(context, engine.Options, "application/json or application/yaml",
                YamlLimits.ImportEnvelopeDepth).ConfigureAwait(false);
            if (problem is not null) return problem;
            body = parsed;
        }

        if (RequestJson.CheckObject(body, "format", "revision", "exportedAt", "secrets", "settings", "omitted") is { } shape) return shape;
        if (body.TryGetProperty("format", out var format) && (format.ValueKind != JsonValueKind.String || format.GetString() != Format))
            return Problems.BadRequest("format", "allowedValues", $"'format' must be {Format}.");
        if (!body.TryGetProperty("settings", out var settings) || settings.ValueKind != JsonValueKind.Object)
            return Problems.BadRequest("settings", "required", "'settings' must map namespace → scope → key → value.");

        var changes = new List<Change>();
        foreach (var ns in settings.EnumerateObject())
        {
            if (ns.Value.ValueKind != JsonValueKind.Object)
                return Problems.BadRequest($"settings.{ns.Name}", "type", $"'settings.{ns.Name}' must map scope → key → value.");
            foreach (var scope in ns.Value.EnumerateObject())
            {
                if (scope.Value.ValueKind != JsonValueKind.Object)
                    return Problems.BadRequest($"settings.{ns.Name}.{scope.Name}", "type", $"'settings.{ns.Name}.{scope.Name}' must map key → value.");
                foreach (var key in scope.Value.EnumerateObject())
                    changes.Add(new Change(ns.Name, key.Name, scope.Name, key.Value));
            }
        }
        var comment = context.Request.Query["comment"].ToString() is { Length: > 0 } c ? c : null;
        var result = await import.RunAsync(AccessControl.Caller(context), changes, comment).ConfigureAwait(false);
        return SettingsEndpoints.CommitJson(result);
    }
}
