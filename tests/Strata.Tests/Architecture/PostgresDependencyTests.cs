using System.Reflection;
using Strata.PostgreSql;

namespace Strata.Tests.Architecture;

/// <summary>The PostgreSQL backend is an add-on: the core never refers to it or to Npgsql, and it builds on the core alone.</summary>
public sealed class PostgresDependencyTests
{
    private static readonly Assembly Core = typeof(StrataOptions).Assembly;
    private static readonly Assembly Postgres = typeof(PostgresStore).Assembly;

    [Fact]
    public void The_core_references_neither_npgsql_nor_the_postgres_backend()
    {
        var references = Core.GetReferencedAssemblies().Select(a => a.Name!).ToList();

        Assert.DoesNotContain(references, r => r.StartsWith("Npgsql", StringComparison.Ordinal) || r == Postgres.GetName().Name);
        Assert.Contains("Microsoft.Data.Sqlite", references); // the check reads real references
    }

    [Fact]
    public void The_postgres_backend_builds_on_the_core_and_npgsql_only()
    {
        var references = Postgres.GetReferencedAssemblies().Select(a => a.Name!).ToList();

        Assert.Equal(["Strata.Core"], references.Where(r => r.StartsWith("Strata", StringComparison.Ordinal)));
        Assert.Contains("Npgsql", references);
        Assert.DoesNotContain(references, r => r.StartsWith("Microsoft.Data.Sqlite", StringComparison.Ordinal));
    }
}
