using Npgsql;
using Strata.PostgreSql;
using Strata.Storage;
using Strata.Tests.Infrastructure;

namespace Strata.Tests.Storage;

public sealed class PostgresMigrationTests : IAsyncLifetime
{
    private PostgresServer _server = null!;
    private string _schema = "";

    public async Task InitializeAsync()
    {
        _server = await PostgresServer.Shared;
        _schema = _server.NewSchema();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public void Migrations_are_numbered_from_one_without_gaps()
    {
        Assert.Equal(Enumerable.Range(1, PostgresMigrator.All.Count), PostgresMigrator.All.Select(m => m.Version));
    }

    [Fact]
    public async Task A_fresh_schema_is_created_and_every_migration_recorded_once_however_often_it_runs()
    {
        await using (var store = new PostgresStore(_server.ConnectionString, _schema))
        {
            await store.MigrateAsync();
            await store.CommitAsync([new ChangeRecord(1, "app", "k", "global", 1, null, "\"kept\"", "t", 5, null)], []);
            await store.MigrateAsync();
            Assert.Equal((PostgresMigrator.Latest, 0), ((await store.StatusAsync()).SchemaVersion, (await store.StatusAsync()).PendingMigrations));
        }
        await using (var again = new PostgresStore(_server.ConnectionString, _schema))
        {
            await again.MigrateAsync();
            Assert.Equal("\"kept\"", (await again.LoadAsync()).Entries.Single().Value);
        }
        Assert.Equal(string.Join(",", PostgresMigrator.All.Select(m => $"{m.Version}:{m.Name}")),
            await ScalarAsync($"SELECT string_agg(version || ':' || name, ',' ORDER BY version) FROM {_schema}.schema_version"));
    }

    [Fact]
    public async Task Instances_starting_together_on_an_empty_schema_migrate_it_once()
    {
        var stores = Enumerable.Range(0, 4).Select(_ => new PostgresStore(_server.ConnectionString, _schema)).ToList();
        try
        {
            await Task.WhenAll(stores.Select(s => Task.Run(() => s.MigrateAsync())));
            Assert.Equal((long)PostgresMigrator.All.Count, await ScalarAsync($"SELECT COUNT(*) FROM {_schema}.schema_version"));
            Assert.Equal(0, (await stores[3].LoadAsync()).Revision);
        }
        finally
        {
            foreach (var s in stores) await s.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_schema_newer_than_this_build_knows_is_refused_and_left_alone()
    {
        await using var store = new PostgresStore(_server.ConnectionString, _schema);
        await store.MigrateAsync();
        var newer = PostgresMigrator.Latest + 1;
        await ScalarAsync($"INSERT INTO {_schema}.schema_version VALUES ({newer}, '{newer:000}_from_the_future', 0) RETURNING version");

        var refused = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.MigrateAsync());

        Assert.False(refused.IsTransient);
        Assert.Contains($"version {newer}", refused.Message);
        Assert.Contains($"({PostgresMigrator.Latest})", refused.Message);
        Assert.Equal((long)PostgresMigrator.All.Count + 1, await ScalarAsync($"SELECT COUNT(*) FROM {_schema}.schema_version"));
    }

    [Theory]
    [InlineData("Strata")]
    [InlineData("a-b")]
    [InlineData("x; DROP TABLE y")]
    [InlineData("")]
    public void A_schema_name_that_is_not_a_plain_identifier_is_refused(string schema)
    {
        var refused = Assert.Throws<StoreUnavailableException>(() => new PostgresStore(_server.ConnectionString, schema));
        Assert.False(refused.IsTransient);
    }

    [Fact]
    public void A_bad_connection_string_is_refused_without_echoing_it()
    {
        var refused = Assert.Throws<StoreUnavailableException>(() => new PostgresStore("Host=127.0.0.1;Password=hunter2hunter2;Bogus Keyword=1"));
        Assert.False(refused.IsTransient);
        Assert.DoesNotContain("hunter2", refused.Message);
    }

    private async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = await _server.ConnectAsync();
        await using var cmd = new NpgsqlCommand(sql, connection);
        return await cmd.ExecuteScalarAsync();
    }
}
