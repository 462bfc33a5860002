using Strata.PostgreSql;
using Strata.Storage;
using Strata.Tests.Infrastructure;

namespace Strata.Tests.Storage;

/// <summary>The store conformance suite on PostgreSQL: every test in a schema of its own on the run's cluster.</summary>
public sealed class PostgresStoreTests : StoreConformanceTests
{
    private readonly PostgresServer _server = PostgresServer.Shared.GetAwaiter().GetResult();
    private readonly string _schema;

    public PostgresStoreTests() => _schema = _server.NewSchema();

    private protected override ISettingsStore OpenStore() => new PostgresStore(_server.ConnectionString, _schema);
}
