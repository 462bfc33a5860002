using System.Text.Json;
using System.Text.RegularExpressions;
using Strata.Naming;
using Strata.Validation;

namespace Strata.Registry;

/// <summary>The single source of truth for which settings exist. Built once at start-up, then read-only.</summary>
internal sealed class DefinitionRegistry
{
    private readonly Dictionary<string, RegisteredNamespace> _namespaces = new(Names.Comparer);

    public IReadOnlyCollection<RegisteredNamespace> Namespaces => _namespaces.Values;

    public RegisteredNamespace? FindNamespace(string ns) => _namespaces.GetValueOrDefault(ns);

    public RegisteredSetting? Find(string ns, string key) =>
        _namespaces.TryGetValue(ns, out var n) ? n.Settings.GetValueOrDefault(key) : null;

    /// <summary>Whether values of ns/key are secrets: masked in every output and encrypted at rest.</summary>
    public bool IsSensitive(string ns, string key) => Find(ns, key)?.Sensitive == true;

    public bool IsStrict(string ns) => _namespaces.TryGetValue(ns, out var n) && n.Strict;

    public IEnumerable<RegisteredSetting> All => _namespaces.Values.SelectMany(n => n.Settings.Values);

    /// <summary>Builds the registry from code definitions, then the YAML file (if any). Throws <see cref="DefinitionException"/>.</summary>
    public static DefinitionRegistry Build(
        IEnumerable<NamespaceDefinition> namespaces, IEnumerable<SettingDefinition> settings, string? yamlPath)
    {
        var registry = new DefinitionRegistry();
        foreach (var ns in namespaces)
            registry.AddNamespace(ns, "code");
        foreach (var def in settings)
            registry.Add(Compile(def, def.Default is null ? null : ToJson(def.Default, def), $"code definition {def.Namespace}/{def.Key}"));
        if (yamlPath is not null)
            YamlDefinitionLoader.Load(yamlPath, registry);
        return registry;
    }

    internal void AddNamespace(NamespaceDefinition ns, string origin)
    {
        if (Names.Check(ns.Name, "Namespace") is { } error) throw new DefinitionException($"{origin}: {error}");
        if (_namespaces.TryGetValue(ns.Name, out var existing))
        {
            existing.Strict |= ns.Strict;
            existing.Description ??= ns.Description;
        }
        else
        {
            _namespaces.Add(ns.Name, new RegisteredNamespace(ns.Name, ns.Strict, ns.Description));
        }
    }

    internal void Add(RegisteredSetting setting)
    {
        if (!_namespaces.TryGetValue(setting.Namespace, out var ns))
            _namespaces.Add(setting.Namespace, ns = new RegisteredNamespace(setting.Namespace, false, null));
        if (!ns.Settings.TryAdd(setting.Key, setting))
            throw new DefinitionException($"{setting.Namespace}/{setting.Key} is defined twice.");
    }

    /// <summary>
    /// Checks a definition for consistency and compiles its pattern. <paramref name="origin"/> prefixes every message.
    /// The checked default becomes the code layer, or the YAML layer when <paramref name="fromYaml"/>.
    /// </summary>
    internal static RegisteredSetting Compile(SettingDefinition d, JsonElement? defaultValue, string origin, bool fromYaml = false)
    {
        void Fail(string problem) => throw new DefinitionException($"{origin}: {problem}");

        if (Names.Check(d.Namespace, "Namespace") is { } nsError) Fail(nsError);
        if (Names.Check(d.Key, "Key") is { } keyError) Fail(keyError);
        if (d.Type == SettingType.Enum && d.AllowedValues is not { Count: > 0 })
            Fail("an enum setting needs 'allowed' values.");
        if (d.Min is { } min && d.Max is { } max && min > max)
            Fail($"min ({min}) is greater than max ({max}).");
        if (d.MaxLength is < 0)
            Fail("max_length cannot be negative.");
        if (d.Scopes.Count == 0)
            Fail("at least one scope kind must be allowed.");
        foreach (var kind in d.Scopes)
            if (!kind.Equals(Scope.Global, StringComparison.OrdinalIgnoreCase) && (!Names.IsValid(kind) || !char.IsAsciiLetter(kind[0])))
                Fail($"scope kind '{kind}' is not a valid name.");

        Regex? regex = null;
        if (d.Pattern is not null)
        {
            try
            {
                regex = new Regex($"^(?:{d.Pattern})$", RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));
            }
            catch (ArgumentException e)
            {
                Fail($"pattern '{d.Pattern}' is not a valid regular expression ({e.Message}).");
            }
        }

        var setting = new RegisteredSetting(d, fromYaml ? null : defaultValue, regex) { YamlDefault = fromYaml ? defaultValue : null };
        if (defaultValue is { } value)
            CheckDefault(setting, value, Fail);
        return setting;
    }

    internal static void CheckDefault(RegisteredSetting setting, JsonElement value, Action<string> fail)
    {
        var errors = new List<ValidationError>();
        ValueValidator.Validate(setting, value, "default", errors);
        if (errors.Count > 0) fail($"the default is invalid: {errors[0].Message}");
    }

    private static JsonElement ToJson(object value, SettingDefinition d)
    {
        try
        {
            return value switch
            {
                JsonElement e => e.Clone(),
                TimeSpan t => JsonSerializer.SerializeToElement(t.ToString("c")),
                _ => JsonSerializer.SerializeToElement(value, value.GetType()),
            };
        }
        catch (NotSupportedException e)
        {
            throw new DefinitionException($"code definition {d.Namespace}/{d.Key}: the default cannot be written as JSON ({e.Message}).");
        }
    }
}
