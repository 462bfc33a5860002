using System.Text.Json;
using System.Text.RegularExpressions;

namespace Strata.Registry;

/// <summary>A definition checked and compiled: its regex built, its defaults turned into JSON.</summary>
internal sealed class RegisteredSetting
{
    public RegisteredSetting(SettingDefinition definition, JsonElement? codeDefault, Regex? pattern)
    {
        Definition = definition;
        CodeDefault = codeDefault;
        Pattern = pattern;
        AllowedScopeKinds = new HashSet<string>(definition.Scopes, StringComparer.OrdinalIgnoreCase);
    }

    public SettingDefinition Definition { get; }
    public string Namespace => Definition.Namespace;
    public string Key => Definition.Key;
    public SettingType Type => Definition.Type;
    public bool Sensitive => Definition.Sensitive;
    public JsonElement? CodeDefault { get; }
    public JsonElement? YamlDefault { get; set; }
    public Regex? Pattern { get; }
    public HashSet<string> AllowedScopeKinds { get; }

    /// <summary>The global resolution while no override exists; set once by the engine at start-up (defaults never change).</summary>
    public Resolution.ResolvedSetting? StaticResolution { get; set; }

    public bool AllowsScope(string scope) => AllowedScopeKinds.Contains(Naming.Scope.Kind(scope));
}
