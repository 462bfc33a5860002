using System.Buffers;
using System.Text.Json;
using Strata.Registry;
using Strata.Resolution;
using Strata.Storage;

namespace Strata.Http;

/// <summary>Writes settings and history as v1 JSON. The one place that decides masking of sensitive values.</summary>
internal static class SettingJson
{
    public const string Mask = SensitiveValue.Mask;

    /// <summary>The v1 body of a setting, sensitive values masked: what <see cref="ResolvedSetting.Json"/> caches.</summary>
    public static byte[] Render(ResolvedSetting setting) => Render(setting, reveal: false);

    public static byte[] Render(ResolvedSetting setting, bool reveal)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
            Write(writer, setting, reveal);
        return buffer.WrittenSpan.ToArray();
    }

    // reveal: show a sensitive value in clear; only for a caller with secrets.reveal, and audited.
    public static void Write(Utf8JsonWriter w, ResolvedSetting s, bool reveal = false)
    {
        var masked = s.Sensitive && !reveal;
        w.WriteStartObject();
        w.WriteString("namespace", s.Namespace);
        w.WriteString("key", s.Key);
        WriteValue(w, "value", s.Value, masked);
        w.WriteString("source", LayerName(s.Source));
        if (s.Stored is { } stored)
        {
            w.WriteString("scope", stored.Scope);
            w.WriteNumber("version", stored.Version);
            w.WriteNumber("revision", stored.Revision);
            w.WriteString("createdAt", Time(stored.CreatedAt));
            w.WriteString("updatedAt", Time(stored.UpdatedAt));
        }
        if (s.Variable is not null) w.WriteString("variable", s.Variable);
        if (s.Definition is { } d)
        {
            w.WriteString("type", d.Type.ToString().ToLowerInvariant());
            w.WriteBoolean("sensitive", d.Sensitive);
            w.WriteBoolean("restartRequired", d.Definition.RestartRequired);
        }
        if (s.Layers is { } layers)
        {
            w.WriteStartArray("layers");
            foreach (var layer in layers)
            {
                w.WriteStartObject();
                w.WriteString("layer", LayerName(layer.Layer));
                if (layer.Scope is not null) w.WriteString("scope", layer.Scope);
                if (layer.Version > 0) w.WriteNumber("version", layer.Version);
                if (layer.Variable is not null) w.WriteString("variable", layer.Variable);
                WriteValue(w, "value", layer.Value, masked);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }

    public static void WriteHistory(Utf8JsonWriter w, ChangeRecord r, bool sensitive)
    {
        // An unreadable record still holds envelopes: never shown, whatever today's definitions say.
        sensitive |= r.Unreadable is not null;
        w.WriteStartObject();
        w.WriteNumber("revision", r.Revision);
        w.WriteString("namespace", r.Namespace);
        w.WriteString("key", r.Key);
        w.WriteString("scope", r.Scope);
        w.WriteNumber("version", r.Version);
        w.WriteString("change", r.NewValue is null ? "reset" : r.OldValue is null ? "create" : "update");
        WriteRaw(w, "oldValue", r.OldValue, sensitive);
        WriteRaw(w, "newValue", r.NewValue, sensitive);
        w.WriteString("actor", r.Actor);
        w.WriteString("at", Time(r.At));
        if (r.Comment is not null) w.WriteString("comment", r.Comment);
        if (r.Unreadable is not null) w.WriteString("unreadable", r.Unreadable);
        w.WriteEndObject();
    }

    public static void WriteValue(Utf8JsonWriter w, string name, JsonElement value, bool sensitive)
    {
        if (sensitive)
        {
            w.WriteString(name, Mask);
            w.WriteBoolean("masked", true);
        }
        else
        {
            w.WritePropertyName(name);
            value.WriteTo(w);
        }
    }

    /// <summary>Raw stored JSON (null = absent), masked when sensitive.</summary>
    public static void WriteRaw(Utf8JsonWriter w, string name, string? json, bool sensitive) => SensitiveValue.WriteRaw(w, name, json, sensitive);

    public static string LayerName(SettingLayer layer) => LayerNames.Of(layer);

    public static DateTimeOffset Time(long unixMs) => DateTimeOffset.FromUnixTimeMilliseconds(unixMs);
}
