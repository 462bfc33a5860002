using System.Globalization;
using System.Text.Json;
using Strata.Registry;

namespace Strata.Ui.Settings;

/// <summary>
/// A setting's value as a form field holds it, and back. Text that is not the type's JSON is sent on as a JSON string,
/// so the server's own rules refuse it with the API's message ("must be an integer, not a string").
/// </summary>
internal static class FormValues
{
    public const string Mask = "********";
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>The field text of <paramref name="value"/>; empty for no value.</summary>
    public static string Text(RegisteredSetting? definition, JsonElement? value)
    {
        if (value is not { ValueKind: not JsonValueKind.Undefined } v) return "";
        return Kind(definition) switch
        {
            SettingType.String or SettingType.Enum or SettingType.Duration when v.ValueKind == JsonValueKind.String => v.GetString()!,
            SettingType.Json => JsonSerializer.Serialize(v, Indented),
            _ => v.GetRawText(),
        };
    }

    /// <summary>A value shown as text (compact JSON for structured values), masked when sensitive.</summary>
    public static string Display(RegisteredSetting? definition, JsonElement? value)
    {
        if (value is not { ValueKind: not JsonValueKind.Undefined } v) return "(none)";
        if (definition?.Sensitive == true) return Mask;
        return v.ValueKind == JsonValueKind.String ? v.GetString()! : v.GetRawText();
    }

    /// <summary>Compact JSON text shown in a diff, masked when sensitive.</summary>
    public static string Display(RegisteredSetting? definition, string? json) =>
        json is null ? "(none)" : Display(definition, JsonSerializer.Deserialize<JsonElement>(json));

    /// <summary>The JSON value a field's text stands for; null with <paramref name="syntaxError"/> when JSON text is not JSON.</summary>
    public static JsonElement? Parse(RegisteredSetting? definition, string text, out string? syntaxError)
    {
        syntaxError = null;
        switch (Kind(definition))
        {
            case SettingType.Int or SettingType.Float:
                return TryJson(text.Trim(), out var number) && number.ValueKind == JsonValueKind.Number ? number : AsString(text);
            case SettingType.Bool:
                return text.Trim() switch
                {
                    "true" => JsonSerializer.SerializeToElement(true),
                    "false" => JsonSerializer.SerializeToElement(false),
                    _ => AsString(text),
                };
            case SettingType.Json:
                if (TryJson(text, out var json, out var message)) return json;
                syntaxError = message;
                return null;
            default:
                return AsString(text);
        }
    }

    /// <summary>Whether a field's text says something other than the text it was rendered with (by value, for JSON).</summary>
    public static bool Differs(RegisteredSetting? definition, string submitted, string original)
    {
        // A switch is off when the setting has no value: leaving it off is no change.
        if (Kind(definition) == SettingType.Bool && original.Length == 0) original = "false";
        if (string.Equals(submitted, original, StringComparison.Ordinal)) return false;
        if (Kind(definition) is SettingType.String or SettingType.Enum or SettingType.Duration) return true;
        return !(TryJson(submitted, out var a) && TryJson(original, out var b)
            && string.Equals(JsonSerializer.Serialize(a), JsonSerializer.Serialize(b), StringComparison.Ordinal));
    }

    /// <summary>Undefined keys hold any JSON value.</summary>
    public static SettingType Kind(RegisteredSetting? definition) => definition?.Type ?? SettingType.Json;

    public static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static JsonElement AsString(string text) => JsonSerializer.SerializeToElement(text);

    private static bool TryJson(string text, out JsonElement value) => TryJson(text, out value, out _);

    private static bool TryJson(string text, out JsonElement value, out string? error)
    {
        error = null;
        try
        {
            value = JsonSerializer.Deserialize<JsonElement>(text);
            return true;
        }
        catch (JsonException e)
        {
            value = default;
            // The parser's own words name the line and position; the value itself is never repeated.
            error = $"This is not valid JSON: {e.Message.Split(" Path:", 2)[0].Split(" LineNumber:", 2)[0]} (line {(e.LineNumber ?? 0) + 1}, position {(e.BytePositionInLine ?? 0) + 1}).";
            return false;
        }
    }
}
