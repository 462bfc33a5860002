using Microsoft.Data.Sqlite;
using Strata.Storage;
using Strata.Storage.Sqlite;
using Strata.Tests.Infrastructure;

namespace Strata.Tests.Storage;

/// <summary>What only SQLite does; everything a store must do is in the conformance suites (<see cref="SqliteBackend"/>).</summary>
public sealed class SqliteStoreTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task The_database_runs_in_wal_mode_with_full_synchronous_commits()
    {
        await using var store = new SqliteSettingsStore(_dir.File("strata.db"));
        await store.MigrateAsync();
        await store.CommitAsync([new ChangeRecord(1, "a", "b", "global", 1, null, "1", "t", 1, null)]);
        using var connection = new SqliteConnection($"Data Source={_dir.File("strata.db")}");
        connection.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", cmd.ExecuteScalar());
        Assert.True(File.Exists(_dir.File("strata.db-wal")));
    }

    [Fact]
    public async Task Under_steady_writes_the_wal_is_restarted_instead_of_growing_without_bound()
    {
        // Background checkpoints alone never copy every frame while commits keep arriving, and SQLite only starts
        // the log over after a complete one; the writer must finish it. 64 frames (256 KiB) is the limit here.
        await using var store = new SqliteSettingsStore(_dir.File("wal.db"), walRestartFrames: 64);
        await store.MigrateAsync();
        var value = "\"" + new string('v', 1500) + "\"";
        var peak = 0L;
        for (var revision = 1; revision <= 3000; revision++)
        {
            await store.CommitAsync([new ChangeRecord(revision, "ns", $"key.{revision % 500}", "global", (revision - 1) / 500 + 1, null, value, "t", revision, null)]);
            if (revision % 100 == 0) peak = Math.Max(peak, new FileInfo(_dir.File("wal.db-wal")).Length);
        }

        // Written in all: about 9,000 pages (36 MiB). A log that starts over stays at the limit plus one commit.
        Assert.InRange(peak, 1, 1L << 20);
        var contents = await store.LoadAsync();
        Assert.Equal(3000, contents.Revision);
        Assert.Equal(500, contents.Entries.Count);
    }
}
