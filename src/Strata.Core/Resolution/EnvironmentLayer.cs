using System.Collections;
using System.Text.Json;
using Strata.Registry;
using Strata.Validation;

namespace Strata.Resolution;

/// <summary>
/// Values for defined settings taken from environment variables named <c>{prefix}{namespace}__{key}</c>, matched
/// without regard to case, with '.' and '-' in names written as '_' (e.g. <c>STRATA_billing__max_daily_usd</c>).
/// Read once at start-up; a value that fails its definition's rules stops start-up.
/// </summary>
internal sealed class EnvironmentLayer
{
    private readonly Dictionary<RegisteredSetting, (string Variable, JsonElement Value)> _values = [];

    public EnvironmentLayer(DefinitionRegistry registry, string prefix, IDictionary variables)
    {
        var byName = new Dictionary<string, (string Name, string Value)>(StringComparer.OrdinalIgnoreCase);
        foreach (DictionaryEntry entry in variables)
            if (entry.Key is string name && entry.Value is string value && name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                byName[name] = (name, value);
        if (byName.Count == 0) return;

        foreach (var setting in registry.All)
        {
            if (!byName.TryGetValue(VariableName(prefix, setting.Namespace, setting.Key), out var found)) continue;
            var value = Parse(setting, found.Value)
                ?? throw new DefinitionException($"Environment variable {found.Name} is not valid JSON for a {setting.Type.ToString().ToLowerInvariant()} setting.");
            var errors = new List<ValidationError>();
            ValueValidator.Validate(setting, value, found.Name, errors);
            if (errors.Count > 0) throw new DefinitionException($"Environment variable {found.Name}: {errors[0].Message}");
            _values[setting] = (found.Name, value);
        }
    }

    public static string VariableName(string prefix, string ns, string key) =>
        $"{prefix}{Normalize(ns)}__{Normalize(key)}";

    public bool TryGet(RegisteredSetting setting, out string variable, out JsonElement value)
    {
        var found = _values.TryGetValue(setting, out var v);
        (variable, value) = found ? v : (string.Empty, default);
        return found;
    }

    private static string Normalize(string name) => name.Replace('.', '_').Replace('-', '_');

    private static JsonElement? Parse(RegisteredSetting setting, string raw)
    {
        if (setting.Type is SettingType.String or SettingType.Enum or SettingType.Duration)
            return JsonSerializer.SerializeToElement(raw);
        var text = setting.Type == SettingType.Bool ? raw.Trim().ToLowerInvariant() : raw;
        try { return JsonSerializer.Deserialize<JsonElement>(text); }
        catch (JsonException) { return null; }
    }
}
