using Strata.Storage;
using Strata.Storage.Sqlite;
using Strata.Tests.Infrastructure;

namespace Strata.Tests.Storage;

/// <summary>SQLite for the conformance suites: a database file in a temp folder of its own.</summary>
public sealed class SqliteBackend : StoreBackend
{
    private readonly TempDirectory _dir = new();

    internal override IStrataStore Open() => new SqliteSettingsStore(_dir.File("strata.db"));

    public override ValueTask DisposeAsync()
    {
        _dir.Dispose();
        return ValueTask.CompletedTask;
    }
}

public sealed class SqliteSettingsLogConformance : SettingsLogConformance<SqliteBackend>;

public sealed class SqliteAuditStoreConformance : AuditStoreConformance<SqliteBackend>;

public sealed class SqliteTokenStoreConformance : TokenStoreConformance<SqliteBackend>;

public sealed class SqliteDataKeyStoreConformance : DataKeyStoreConformance<SqliteBackend>;

public sealed class SqliteSealedValuesConformance : SealedValuesConformance<SqliteBackend>;

public sealed class SqliteUserStoreConformance : UserStoreConformance<SqliteBackend>;

public sealed class SqliteSessionStoreConformance : SessionStoreConformance<SqliteBackend>;
