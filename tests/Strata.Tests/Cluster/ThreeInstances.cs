using Strata.Tests.Infrastructure;

namespace Strata.Tests.Cluster;

/// <summary>
/// Three instances on one schema of the run's PostgreSQL, started once for the tests of <see cref="ThreeInstancesCollection"/>
/// (which run one after another, so each test's revisions are its own); each test uses namespaces of its own.
/// </summary>
public sealed class ThreeInstances : IAsyncLifetime
{
    internal ClusterInstances Cluster { get; private set; } = null!;

    public async Task InitializeAsync() => Cluster = await ClusterInstances.StartAsync(await PostgresServer.Shared);

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}
