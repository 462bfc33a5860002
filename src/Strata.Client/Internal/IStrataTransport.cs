using Strata.Client.Contracts;

namespace Strata.Client.Internal;

/// <summary>
/// Where a <see cref="StrataConfigurationProvider"/> takes its values from: the server's HTTP API, or a bridge's
/// broker. The provider owns what is the same for every transport (start-up, last-known-good file, status, reloads,
/// the view check); a transport fetches verified snapshots and follows updates, reconnecting by itself.
/// </summary>
internal interface IStrataTransport : IDisposable
{
    /// <summary>Where the values come from, as the debug view shows it: "http://strata:5380/".</summary>
    string Address { get; }

    /// <summary>What the values come from, for messages: "the server at http://strata:5380/".</summary>
    string Description { get; }

    /// <summary>A snapshot of the provider's namespaces, its signature verified before it was parsed.</summary>
    /// <exception cref="StrataServerException">None could be had; <see cref="StrataServerException.Transient"/> says whether to retry.</exception>
    Task<SnapshotDocument> FetchSnapshotAsync(CancellationToken cancellationToken);

    /// <summary>True when <paramref name="error"/> says nothing listens there, so start-up falls back to the
    /// last-known-good file at once instead of waiting out the start-up timeout.</summary>
    bool IsUnreachable(StrataServerException error);

    /// <summary>Follows updates until <paramref name="stopping"/>, applying each through the provider's
    /// <c>Apply…</c> and <c>Mark…</c> methods; loads a snapshot first while <see cref="StrataConfigurationProvider.NeedsSnapshot"/>.</summary>
    Task RunAsync(StrataConfigurationProvider provider, CancellationToken stopping);

    /// <summary>Called after the provider applied <paramref name="revision"/> (a transport may tell the server).</summary>
    void Applied(long revision);
}
