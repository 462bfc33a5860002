namespace Strata.Client;

/// <summary>Settings an application requires are absent or null; <see cref="Missing"/> names every one of them.</summary>
public sealed class MissingSettingsException : Exception
{
    /// <summary>Reports every name in <paramref name="missing"/>.</summary>
    /// <param name="missing">The configuration keys that are absent or null, in the order the application asked for them.</param>
    public MissingSettingsException(IReadOnlyList<string> missing)
        : base(Describe(missing))
    {
        Missing = [.. missing];
    }

    /// <summary>The configuration keys (<c>namespace:key</c>) that are absent or null.</summary>
    public IReadOnlyList<string> Missing { get; }

    private static string Describe(IReadOnlyList<string> missing)
    {
        ArgumentNullException.ThrowIfNull(missing);
        return missing.Count == 1
            ? $"The required setting {missing[0]} is missing: set it in Strata or in another configuration source."
            : $"{missing.Count} required settings are missing: {string.Join(", ", missing)}. Set them in Strata or in another configuration source.";
    }
}
