using Strata.PostgreSql;
using Strata.Storage;
using Strata.Tests.Infrastructure;

namespace Strata.Tests.Storage;

/// <summary>PostgreSQL for the conformance suites: a schema of its own on the run's cluster.</summary>
public sealed class PostgresBackend : StoreBackend
{
    private readonly PostgresServer _server = PostgresServer.Shared.GetAwaiter().GetResult();
    private readonly string _schema;

    public PostgresBackend() => _schema = _server.NewSchema();

    internal override IStrataStore Open() => new PostgresStore(_server.ConnectionString, _schema);

    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

public sealed class PostgresSettingsLogConformance : SettingsLogConformance<PostgresBackend>;

public sealed class PostgresAuditStoreConformance : AuditStoreConformance<PostgresBackend>;

public sealed class PostgresTokenStoreConformance : TokenStoreConformance<PostgresBackend>;

public sealed class PostgresDataKeyStoreConformance : DataKeyStoreConformance<PostgresBackend>;

public sealed class PostgresSealedValuesConformance : SealedValuesConformance<PostgresBackend>;

public sealed class PostgresUserStoreConformance : UserStoreConformance<PostgresBackend>;

public sealed class PostgresSessionStoreConformance : SessionStoreConformance<PostgresBackend>;
