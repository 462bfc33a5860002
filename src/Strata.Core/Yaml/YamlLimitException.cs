using YamlDotNet.Core;

namespace Strata.Yaml;

/// <summary>A YAML document that is not valid or is over one of its <see cref="YamlLimits"/>, with where that was found.</summary>
internal sealed class YamlLimitException(string rule, string problem, Mark start)
    : Exception($"{problem} at line {start.Line}, column {start.Column}.")
{
    /// <summary>The limit or rule broken: maxDepth, maxAliases, maxAliasExpansion, maxNodes, maxScalarLength, duplicate or yaml.</summary>
    public string Rule { get; } = rule;

    /// <summary>What is wrong, without the position and without a final period.</summary>
    public string Problem { get; } = problem;

    public Mark Start { get; } = start;
}
