using System.Text.Json;

namespace Strata;

/// <summary>
/// Declares one setting: its type, default, presentation and constraints. Definitions come from code
/// (<see cref="StrataOptions.Define"/>) or from a YAML definitions file.
/// </summary>
public sealed record SettingDefinition
{
    /// <summary>The namespace the setting lives in.</summary>
    public required string Namespace { get; init; }

    /// <summary>The key within the namespace.</summary>
    public required string Key { get; init; }

    /// <summary>The value type.</summary>
    public required SettingType Type { get; init; }

    /// <summary>The code default (the lowest layer); null when there is none.</summary>
    public object? Default { get; init; }

    /// <summary>Human-readable description, shown by UIs and <c>_schema</c>.</summary>
    public string? Description { get; init; }

    /// <summary>UI grouping, such as "Budget Limits".</summary>
    public string? Group { get; init; }

    /// <summary>Basic or advanced.</summary>
    public SettingLevel Level { get; init; }

    /// <summary>Masked in every output unless revealed.</summary>
    public bool Sensitive { get; init; }

    /// <summary>A change takes effect only after the consumer restarts.</summary>
    public bool RestartRequired { get; init; }

    /// <summary>Scope kinds an override may be stored for: <c>global</c>, <c>user</c>, <c>project</c>…</summary>
    public IReadOnlyList<string> Scopes { get; init; } = ["global"];

    /// <summary>Inclusive lower bound: the number for int and float, seconds for duration.</summary>
    public double? Min { get; init; }

    /// <summary>Inclusive upper bound: the number for int and float, seconds for duration.</summary>
    public double? Max { get; init; }

    /// <summary>A regular expression a string value must match in full.</summary>
    public string? Pattern { get; init; }

    /// <summary>The values an enum (or a string) may take.</summary>
    public IReadOnlyList<string>? AllowedValues { get; init; }

    /// <summary>Maximum length of a string value, in characters.</summary>
    public int? MaxLength { get; init; }

    /// <summary>A custom rule in code: returns null when the value is acceptable, otherwise the reason.</summary>
    public Func<JsonElement, string?>? Validator { get; init; }
}

/// <summary>Declares a namespace; a strict namespace rejects keys that have no definition.</summary>
public sealed record NamespaceDefinition
{
    /// <summary>The namespace name.</summary>
    public required string Name { get; init; }

    /// <summary>When true, keys without a definition are rejected.</summary>
    public bool Strict { get; init; }

    /// <summary>Human-readable description.</summary>
    public string? Description { get; init; }
}
