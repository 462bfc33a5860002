namespace Strata.Client.Contracts;

/// <summary>The connected consumers, as listed by <c>GET /api/v1/consumers</c>.</summary>
/// <param name="Consumers">One entry per open watch that named its instance.</param>
public sealed record ConsumerListing(IReadOnlyList<ConsumerEntry> Consumers);
