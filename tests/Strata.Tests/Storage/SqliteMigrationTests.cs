using Microsoft.Data.Sqlite;
using Strata.Storage;
using Strata.Storage.Sqlite;
using Strata.Tests.Infrastructure;

namespace Strata.Tests.Storage;

public sealed class SqliteMigrationTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    public static TheoryData<int> EarlierVersions()
    {
        var data = new TheoryData<int>();
        for (var v = 1; v < SqliteMigrator.Latest; v++) data.Add(v);
        return data;
    }

    [Fact]
    public void Migrations_are_numbered_from_one_without_gaps()
    {
        Assert.Equal(Enumerable.Range(1, SqliteMigrator.All.Count), SqliteMigrator.All.Select(m => m.Version));
        Assert.True(SqliteMigrator.Latest >= 2);
    }

    [Theory]
    [MemberData(nameof(EarlierVersions))]
    public async Task A_database_created_by_an_earlier_migration_upgrades_and_keeps_its_data(int version)
    {
        var file = _dir.File($"v{version}.db");
        using (var connection = new SqliteConnection($"Data Source={file};Pooling=False"))
        {
            connection.Open();
            SqliteMigrator.Migrate(connection, target: version);
            Assert.Equal(version, SqliteMigrator.CurrentVersion(connection));
            using var insert = connection.CreateCommand();
            // Rows in the shapes of migration 1, and of migration 6 from there on (value in history, ids by revision).
            insert.CommandText = version < 6
                ? """
                  INSERT INTO settings VALUES ('app', 'k', 'global', '"kept"', 1, 5, 5, 1);
                  INSERT INTO history VALUES (1, 'app', 'k', 'global', 1, NULL, '"kept"', 'old', 5, NULL, 5, NULL);
                  """
                : """
                  INSERT INTO settings (namespace, key, scope, version, created_at, updated_at, revision) VALUES ('app', 'k', 'global', 1, 5, 5, 1);
                  INSERT INTO history (id, revision, namespace, key, scope, version, old_value, new_value, actor, at, comment, created_at, prev_revision)
                  VALUES (1048576, 1, 'app', 'k', 'global', 1, NULL, '"kept"', 'old', 5, NULL, 5, NULL);
                  """;
            insert.ExecuteNonQuery();
            if (version >= 5)
            {
                insert.CommandText = "INSERT INTO audit (id, at, actor, action, outcome) VALUES (7, 5, 'old', 'setting.set', 'ok')";
                insert.ExecuteNonQuery();
            }
        }

        var store = new SqliteSettingsStore(file);
        await using (store)
        {
            await store.MigrateAsync();
            var status = await store.StatusAsync();
            Assert.Equal((SqliteMigrator.Latest, 0), (status.SchemaVersion, status.PendingMigrations));
            var contents = await store.LoadAsync();
            Assert.Equal(("\"kept\"", 1L), (contents.Entries.Single().Value, contents.Revision));
            Assert.Single(await store.HistoryAsync(new HistoryQuery("app", "k")));
            if (version >= 5)
            {
                // Audit ids survive the upgrade and keep counting from the largest.
                await store.CommitAsync([], [new AuditRecord(0, 6, "new", "setting.set", "ok")]);
                Assert.Equal([8L, 7L], (await store.AuditAsync(new AuditQuery())).Select(a => a.Id));
            }
        }
    }

    [Fact]
    public void Every_applied_migration_is_recorded_once_in_schema_version()
    {
        using var connection = new SqliteConnection($"Data Source={_dir.File("m.db")};Pooling=False");
        connection.Open();
        SqliteMigrator.Migrate(connection);
        SqliteMigrator.Migrate(connection);
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT group_concat(version || ':' || name, ',') FROM (SELECT * FROM schema_version ORDER BY version)";
        Assert.Equal(string.Join(",", SqliteMigrator.All.Select(m => $"{m.Version}:{m.Name}")), cmd.ExecuteScalar());
    }

    [Fact]
    public async Task A_database_with_a_newer_schema_than_this_release_knows_is_refused_and_left_alone()
    {
        var path = _dir.File("newer.db");
        await using (var store = new SqliteSettingsStore(path))
            await store.MigrateAsync();
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var cmd = connection.CreateCommand();
            cmd.CommandText = $"INSERT INTO schema_version (version, name, applied_at) VALUES ({SqliteMigrator.Latest + 1}, 'from_the_future', 0)";
            cmd.ExecuteNonQuery();
        }

        await using var newer = new SqliteSettingsStore(path);
        var error = await Assert.ThrowsAsync<StoreUnavailableException>(() => newer.MigrateAsync());

        Assert.False(error.IsTransient);
        Assert.Contains($"schema version {SqliteMigrator.Latest + 1}", error.Message);
        Assert.Contains("newer release", error.Message);
    }
}
