namespace Strata.Cluster;

/// <summary>
/// Jobs that must run on one instance at a time (a bridge's publisher): the instance holding a lease runs it. With one
/// instance the lease is granted at once and never lost; a shared store grants it to one instance of several.
/// </summary>
internal interface IClusterLeases
{
    /// <summary>Waits until this instance holds the lease <paramref name="name"/>; disposing the lease releases it.</summary>
    Task<ClusterLease> AcquireAsync(string name, CancellationToken ct);
}
