namespace Strata;

/// <summary>Where Strata keeps its data on PostgreSQL (<c>AddStrataPostgreSql</c>).</summary>
public sealed class StrataPostgreSqlOptions
{
    /// <summary>An Npgsql connection string, e.g. <c>Host=db;Database=strata;Username=strata;Password=…</c>. Required.</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>
    /// The schema that holds Strata's tables, created when missing: lowercase letters, digits and '_'. Instances that share
    /// a schema share everything; another schema in the same database is another Strata. Default <c>strata</c>.
    /// </summary>
    public string Schema { get; set; } = "strata";
}
