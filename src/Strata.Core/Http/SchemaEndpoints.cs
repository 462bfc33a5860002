using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Strata.Access;
using Strata.Engine;
using Strata.Http.OpenApi;
using Strata.Registry;

namespace Strata.Http;

/// <summary><c>_schema</c>: the definition registry, for UIs and tools that render forms from it.</summary>
internal static class SchemaEndpoints
{
    public static void MapSchema(this RouteGroupBuilder settings)
    {
        settings.MapGet("/_schema", (SettingsEngine engine, HttpContext context) => JsonBytes.Result(w =>
        {
            var principal = AccessControl.Principal(context);
            w.WriteStartObject();
            w.WriteStartArray("namespaces");
            foreach (var ns in engine.Registry.Namespaces.Where(n => principal.Can(Permission.Read, n.Name)).OrderBy(n => n.Name, StringComparer.OrdinalIgnoreCase))
                WriteNamespace(w, ns);
            w.WriteEndArray();
            w.WriteEndObject();
        })).Requires(Permission.Read)
            .WithName("getRegistry").WithSummary("The definition registry: every defined namespace the caller may read").Answers(200, "Registry");
        settings.MapGet("/_schema/{ns}", (string ns, SettingsEngine engine) =>
            engine.Registry.FindNamespace(ns) is { } found
                ? JsonBytes.Result(w => WriteNamespace(w, found))
                : Problems.NotFound($"Namespace '{ns}' has no definitions.")).Requires(Permission.Read)
            .WithName("getNamespaceDefinitions").WithSummary("The definitions of one namespace").Answers(200, "RegistryNamespace").Fails(404);
    }

    private static void WriteNamespace(Utf8JsonWriter w, RegisteredNamespace ns)
    {
        w.WriteStartObject();
        w.WriteString("name", ns.Name);
        if (ns.Description is not null) w.WriteString("description", ns.Description);
        w.WriteBoolean("strict", ns.Strict);
        w.WriteStartArray("settings");
        foreach (var setting in ns.Settings.Values.OrderBy(s => s.Key, StringComparer.OrdinalIgnoreCase))
            WriteSetting(w, setting);
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteSetting(Utf8JsonWriter w, RegisteredSetting s)
    {
        var d = s.Definition;
        w.WriteStartObject();
        w.WriteString("key", d.Key);
        w.WriteString("type", d.Type.ToString().ToLowerInvariant());
        if (d.Description is not null) w.WriteString("description", d.Description);
        if (d.Group is not null) w.WriteString("group", d.Group);
        w.WriteString("level", d.Level.ToString().ToLowerInvariant());
        w.WriteBoolean("sensitive", d.Sensitive);
        w.WriteBoolean("restartRequired", d.RestartRequired);
        w.WriteStartArray("scopes");
        foreach (var scope in d.Scopes) w.WriteStringValue(scope);
        w.WriteEndArray();
        // The effective default: the YAML one if given, else the code one. Never a secret's.
        if ((s.YamlDefault ?? s.CodeDefault) is { } fallback) SettingJson.WriteValue(w, "default", fallback, s.Sensitive);
        w.WriteStartObject("constraints");
        if (d.Min is { } min) w.WriteNumber("min", min);
        if (d.Max is { } max) w.WriteNumber("max", max);
        if (d.Pattern is not null) w.WriteString("pattern", d.Pattern);
        if (d.MaxLength is { } maxLength) w.WriteNumber("maxLength", maxLength);
        if (d.AllowedValues is { } allowed)
        {
            w.WriteStartArray("allowedValues");
            foreach (var v in allowed) w.WriteStringValue(v);
            w.WriteEndArray();
        }
        if (d.Validator is not null) w.WriteBoolean("customValidator", true);
        w.WriteEndObject();
        w.WriteEndObject();
    }
}
