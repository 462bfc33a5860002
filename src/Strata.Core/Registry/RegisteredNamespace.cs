namespace Strata.Registry;

/// <summary>A namespace known to the registry, with its defined settings.</summary>
internal sealed class RegisteredNamespace(string name, bool strict, string? description)
{
    public string Name { get; } = name;
    public bool Strict { get; set; } = strict;
    public string? Description { get; set; } = description;
    public Dictionary<string, RegisteredSetting> Settings { get; } = new(Naming.Names.Comparer);
}
