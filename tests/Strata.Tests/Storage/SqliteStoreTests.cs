using Microsoft.Data.Sqlite;
using Strata.Storage;
using Strata.Storage.Sqlite;
using Strata.Tests.Infrastructure;

namespace Strata.Tests.Storage;

public sealed class SqliteStoreTests : StoreConformanceTests, IDisposable
{
    private readonly TempDirectory _dir = new();

    private protected override ISettingsStore OpenStore() => new SqliteSettingsStore(_dir.File("strata.db"));

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task The_database_runs_in_wal_mode_with_full_synchronous_commits()
    {
        await Store.CommitAsync([new ChangeRecord(1, "a", "b", "global", 1, null, "1", "t", 1, null)]);
        using var connection = new SqliteConnection($"Data Source={_dir.File("strata.db")}");
        connection.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", cmd.ExecuteScalar());
        Assert.True(File.Exists(_dir.File("strata.db-wal")));
    }
}
