using System.Globalization;
using Npgsql;
using Strata.Storage;

namespace Strata.PostgreSql;

/// <summary>
/// Applies the numbered scripts embedded under <c>Migrations/</c> (<c>NNN_name.sql</c>) in order, in one transaction
/// with their <c>schema_version</c> rows, under an advisory lock: instances starting together migrate once, and a
/// failure leaves the schema as it was. A schema newer than this build knows is refused, never written to.
/// </summary>
internal static class PostgresMigrator
{
    public sealed record Migration(int Version, string Name, string Sql);

    public static IReadOnlyList<Migration> All { get; } = LoadEmbedded();

    public static int Latest => All[^1].Version;

    /// <summary>Applies every migration up to <paramref name="target"/> (all when null) not yet applied in <paramref name="schema"/>.</summary>
    public static async Task MigrateAsync(NpgsqlConnection connection, string schema, int? target = null, CancellationToken ct = default)
    {
        await using var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        await ExecuteAsync(connection, tx, "SELECT pg_advisory_xact_lock(hashtextextended(@name, 0))", ct, ("name", $"strata:migrate:{schema}")).ConfigureAwait(false);
        await ExecuteAsync(connection, tx, $"""
            CREATE SCHEMA IF NOT EXISTS {schema};
            CREATE TABLE IF NOT EXISTS {schema}.schema_version (
                version    integer PRIMARY KEY,
                name       text    NOT NULL,
                applied_at bigint  NOT NULL)
            """, ct).ConfigureAwait(false);
        var current = await CurrentVersionAsync(connection, schema, tx, ct).ConfigureAwait(false);
        RefuseNewer(current, schema);
        foreach (var migration in All.Where(m => m.Version > current && m.Version <= (target ?? int.MaxValue)))
        {
            // The scripts name no schema: the first one on the search path is the store's.
            await ExecuteAsync(connection, tx, $"SET LOCAL search_path TO {schema}", ct).ConfigureAwait(false);
            await ExecuteAsync(connection, tx, migration.Sql, ct).ConfigureAwait(false);
            await ExecuteAsync(connection, tx, $"INSERT INTO {schema}.schema_version (version, name, applied_at) VALUES (@v, @n, @t)", ct,
                ("v", migration.Version), ("n", migration.Name), ("t", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds())).ConfigureAwait(false);
        }
        await tx.CommitAsync(ct).ConfigureAwait(false);
    }

    /// <summary>The schema's version; 0 when it has none yet.</summary>
    public static async Task<int> CurrentVersionAsync(NpgsqlConnection connection, string schema, NpgsqlTransaction? tx = null, CancellationToken ct = default)
    {
        await using var exists = new NpgsqlCommand($"SELECT to_regclass('{schema}.schema_version') IS NOT NULL", connection, tx);
        if (!(bool)(await exists.ExecuteScalarAsync(ct).ConfigureAwait(false))!) return 0;
        await using var cmd = new NpgsqlCommand($"SELECT COALESCE(MAX(version), 0) FROM {schema}.schema_version", connection, tx);
        return Convert.ToInt32(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false), CultureInfo.InvariantCulture);
    }

    /// <summary>A schema migrated by a newer Strata holds what this one cannot read or keep consistent.</summary>
    public static void RefuseNewer(int current, string schema)
    {
        if (current > Latest)
            throw new StoreUnavailableException(
                $"The PostgreSQL schema '{schema}' is at version {current}, newer than this Strata knows ({Latest}): run the newer Strata, or upgrade this one.",
                isTransient: false);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string sql, CancellationToken ct,
        params (string Name, object Value)[] parameters)
    {
        await using var cmd = new NpgsqlCommand(sql, connection, tx);
        foreach (var (name, value) in parameters) cmd.Parameters.AddWithValue(name, value);
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    private static List<Migration> LoadEmbedded()
    {
        var assembly = typeof(PostgresMigrator).Assembly;
        const string prefix = "Strata.PostgreSql.Migrations.";
        var list = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)))
        {
            var name = resource[prefix.Length..^".sql".Length];
            var version = int.Parse(name[..name.IndexOf('_', StringComparison.Ordinal)], CultureInfo.InvariantCulture);
            using var reader = new StreamReader(assembly.GetManifestResourceStream(resource)!);
            list.Add(new Migration(version, name, reader.ReadToEnd()));
        }
        list.Sort((a, b) => a.Version.CompareTo(b.Version));
        for (var i = 0; i < list.Count; i++)
            if (list[i].Version != i + 1) throw new InvalidOperationException($"Migration numbers must run 1, 2, 3…; found {list[i].Name}.");
        return list;
    }
}
