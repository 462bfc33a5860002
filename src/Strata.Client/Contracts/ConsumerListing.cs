namespace Strata.Client.Contracts;

/// <summary>The connected consumers, as listed by <c>GET /api/v1/consumers</c>.</summary>
/// <param name="Revision">The server's current revision.</param>
/// <param name="Consumers">One entry per consumer instance with a watch open whose namespaces the caller may read.</param>
public sealed record ConsumerListing(long Revision, IReadOnlyList<ConsumerEntry> Consumers);
