namespace Strata.Client.LastKnownGood;

/// <summary>
/// One applied revision as the provider holds it: the flattened configuration data (IConfiguration keys, case
/// insensitive) and which of its keys came from sensitive settings (those are sealed in the file).
/// </summary>
internal sealed record LastKnownGoodContents(
    long Revision,
    DateTimeOffset SavedAt,
    LastKnownGoodIdentity Identity,
    IReadOnlyDictionary<string, string?> Data,
    IReadOnlySet<string> SensitiveKeys);
