using System.Reflection;
using Microsoft.Data.Sqlite;

namespace Strata.Storage.Sqlite;

/// <summary>
/// Applies the numbered scripts embedded under <c>Migrations/</c> (<c>NNN_name.sql</c>) in order, each in its own
/// transaction together with its <c>schema_version</c> row, so a crash leaves either all or none of a step.
/// </summary>
internal static class SqliteMigrator
{
    public sealed record Migration(int Version, string Name, string Sql);

    public static IReadOnlyList<Migration> All { get; } = LoadEmbedded();

    public static int Latest => All[^1].Version;

    /// <summary>Applies every migration up to <paramref name="target"/> (all when null) that is not yet applied.</summary>
    public static void Migrate(SqliteConnection connection, int? target = null)
    {
        Execute(connection, """
            CREATE TABLE IF NOT EXISTS schema_version (
                version    INTEGER PRIMARY KEY,
                name       TEXT    NOT NULL,
                applied_at INTEGER NOT NULL)
            """);
        var current = CurrentVersion(connection);
        // A newer release wrote it: this one would read and write tables it does not know.
        if (current > Latest)
            throw new StoreUnavailableException($"The database at {connection.DataSource} has schema version {current}, newer than the {Latest} this " +
                "version of Strata knows: it was written by a newer release. Run that release (or newer), or restore a backup made by this one.", isTransient: false);
        foreach (var migration in All.Where(m => m.Version > current && m.Version <= (target ?? int.MaxValue)))
        {
            using var tx = connection.BeginTransaction();
            Execute(connection, migration.Sql, tx);
            using var record = connection.CreateCommand();
            record.Transaction = tx;
            record.CommandText = "INSERT INTO schema_version (version, name, applied_at) VALUES ($v, $n, $t)";
            record.Parameters.AddWithValue("$v", migration.Version);
            record.Parameters.AddWithValue("$n", migration.Name);
            record.Parameters.AddWithValue("$t", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            record.ExecuteNonQuery();
            tx.Commit();
        }
    }

    public static int CurrentVersion(SqliteConnection connection)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT COALESCE(MAX(version), 0) FROM schema_version";
        return Convert.ToInt32(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static void Execute(SqliteConnection connection, string sql, SqliteTransaction? tx = null)
    {
        using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    private static List<Migration> LoadEmbedded()
    {
        var assembly = typeof(SqliteMigrator).Assembly;
        const string prefix = "Strata.Storage.Sqlite.Migrations.";
        var list = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)))
        {
            var name = resource[prefix.Length..^".sql".Length];
            var version = int.Parse(name[..name.IndexOf('_')], System.Globalization.CultureInfo.InvariantCulture);
            using var reader = new StreamReader(assembly.GetManifestResourceStream(resource)!);
            list.Add(new Migration(version, name, reader.ReadToEnd()));
        }
        list.Sort((a, b) => a.Version.CompareTo(b.Version));
        for (var i = 0; i < list.Count; i++)
            if (list[i].Version != i + 1) throw new InvalidOperationException($"Migration numbers must run 1, 2, 3…; found {list[i].Name}.");
        return list;
    }
}
