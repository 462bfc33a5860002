namespace Strata.Yaml;

/// <summary>
/// Bounds on one YAML document, checked while it is parsed, so that neither deep nesting nor aliases
/// (a few hundred bytes can repeat a node millions of times) cost more than the text itself.
/// </summary>
internal sealed record YamlLimits
{
    /// <summary>Deepest nesting of mappings and sequences.</summary>
    public int MaxDepth { get; init; } = 32;

    /// <summary>Alias uses (<c>*name</c>) in the document.</summary>
    public int MaxAliases { get; init; } = 1_000;

    /// <summary>Nodes plus scalar characters that aliases repeat, all uses together.</summary>
    public int MaxAliasExpansion { get; init; } = 1 << 20;

    /// <summary>Nodes (keys, values, items) of the document with every alias expanded.</summary>
    public int MaxNodes { get; init; } = 500_000;

    /// <summary>Characters of one scalar.</summary>
    public int MaxScalarLength { get; init; } = 256 * 1024;

    /// <summary>The import endpoint's limits: the JSON depth limit applies to YAML bodies too.</summary>
    /// <summary>
    /// An import document holds values under <c>settings → namespace → scope</c>: three levels more than a PUT body's
    /// <c>value</c>, so anything a PUT accepted can be exported and imported back.
    /// </summary>
    public const int ImportEnvelopeDepth = 3;

    public static YamlLimits ForImport(StrataOptions options) => new() { MaxDepth = options.MaxJsonDepth + ImportEnvelopeDepth };
}
