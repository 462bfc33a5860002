namespace Strata.Client.Contracts;

/// <summary>One connected consumer in a <see cref="ConsumerListing"/>.</summary>
/// <param name="Application">The application it named, if any.</param>
/// <param name="Instance">Its instance id.</param>
/// <param name="Host">The host it named, if any.</param>
/// <param name="Namespaces">The namespaces it watches.</param>
/// <param name="AppliedRevision">The last revision it reported applied (or resumed its watch from).</param>
/// <param name="ConnectedSince">When its watch opened.</param>
/// <param name="LastSeen">When the server last heard from it.</param>
/// <param name="Behind">True when a commit after <paramref name="AppliedRevision"/> touched one of its namespaces.</param>
public sealed record ConsumerEntry(string? Application, string Instance, string? Host, IReadOnlyList<string> Namespaces,
    long AppliedRevision, DateTimeOffset ConnectedSince, DateTimeOffset LastSeen, bool Behind);
