using System.Text.Json;
using Strata.Registry;

namespace Strata.Validation;

/// <summary>Checks a value against its definition's type and constraints. Stateless; safe from any thread.</summary>
internal static class ValueValidator
{
    /// <summary>Adds one error per failed rule to <paramref name="errors"/>; the field is named <paramref name="field"/>.</summary>
    public static void Validate(RegisteredSetting setting, JsonElement value, string field, List<ValidationError> errors)
    {
        var d = setting.Definition;
        var before = errors.Count;
        switch (d.Type)
        {
            case SettingType.String:
                if (value.ValueKind != JsonValueKind.String) { errors.Add(TypeError(field, "a string", value)); break; }
                CheckString(setting, value.GetString()!, field, errors);
                break;
            case SettingType.Enum:
                if (value.ValueKind != JsonValueKind.String) { errors.Add(TypeError(field, "a string (one of the allowed values)", value)); break; }
                CheckString(setting, value.GetString()!, field, errors);
                break;
            case SettingType.Int:
                if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var l)) { errors.Add(TypeError(field, "an integer", value)); break; }
                CheckRange(d, l, field, errors, "");
                break;
            case SettingType.Float:
                // 1e309 is valid JSON but no double: it would read back as infinity.
                if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var f) || !double.IsFinite(f))
                {
                    errors.Add(value.ValueKind == JsonValueKind.Number
                        ? new(field, "range", $"'{field}' must be a finite number; {Naming.Names.Truncate(value.GetRawText())} is beyond what a float holds.")
                        : TypeError(field, "a number", value));
                    break;
                }
                CheckRange(d, f, field, errors, "");
                break;
            case SettingType.Bool:
                if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False)) errors.Add(TypeError(field, "true or false", value));
                break;
            case SettingType.Duration:
                if (value.ValueKind != JsonValueKind.String || !DurationParser.TryParse(value.GetString(), out var span))
                {
                    errors.Add(new(field, "type", $"'{field}' must be a duration such as \"30s\", \"5m\", \"250ms\", \"2h\" or \"00:00:30\"."));
                    break;
                }
                CheckRange(d, span.TotalSeconds, field, errors, " seconds");
                break;
            case SettingType.Json:
                break;
        }
        if (errors.Count == before && d.Validator is { } custom && custom(value) is { } reason)
            errors.Add(new(field, "custom", reason));
    }

    private static void CheckString(RegisteredSetting setting, string s, string field, List<ValidationError> errors)
    {
        var d = setting.Definition;
        if (d.MaxLength is { } max && s.Length > max)
            errors.Add(new(field, "maxLength", $"'{field}' is {s.Length} characters long; the limit is {max}."));
        if (d.AllowedValues is { Count: > 0 } allowed && !allowed.Contains(s, StringComparer.Ordinal))
            errors.Add(new(field, "allowedValues", $"'{field}' must be one of: {string.Join(", ", allowed)}."));
        if (setting.Pattern is { } regex && !regex.IsMatch(s))
            errors.Add(new(field, "pattern", $"'{field}' must match the pattern {d.Pattern}."));
    }

    private static void CheckRange(SettingDefinition d, double n, string field, List<ValidationError> errors, string unit)
    {
        if (d.Min is { } min && n < min)
            errors.Add(new(field, "min", $"'{field}' must be at least {min}{unit}."));
        if (d.Max is { } max && n > max)
            errors.Add(new(field, "max", $"'{field}' must be at most {max}{unit}."));
    }

    private static ValidationError TypeError(string field, string expected, JsonElement got) =>
        new(field, "type", $"'{field}' must be {expected}, not {Describe(got.ValueKind)}.");

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        _ => "undefined",
    };
}
