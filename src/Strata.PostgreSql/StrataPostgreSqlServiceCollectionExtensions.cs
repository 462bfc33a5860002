using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Strata.Cluster;
using Strata.PostgreSql;
using Strata.Storage;

namespace Strata;

/// <summary>Puts Strata's store on PostgreSQL.</summary>
public static class StrataPostgreSqlServiceCollectionExtensions
{
    /// <summary>
    /// Keeps Strata's settings, history, audit, tokens, keys, users and sessions in PostgreSQL instead of SQLite, shared
    /// by every instance that uses the same database and schema: each instance follows the others' commits and
    /// changes. Call after <c>AddStrata</c>, e.g.
    /// <c>services.AddStrataPostgreSql(o =&gt; o.ConnectionString = "Host=db;Database=strata;Username=strata")</c>.
    /// Every instance must hold the same master key and the same signing key (<c>STRATA_SIGNING_KEY</c>); a start whose
    /// signing key differs from the others' is refused.
    /// </summary>
    public static IServiceCollection AddStrataPostgreSql(this IServiceCollection services, Action<StrataPostgreSqlOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<StrataPostgreSqlOptions>().Configure(configure);
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<StrataPostgreSqlOptions>>().Value;
            if (string.IsNullOrWhiteSpace(options.ConnectionString))
                throw new StoreUnavailableException("The PostgreSQL connection string is empty: set Strata:PostgreSql:ConnectionString.", isTransient: false);
            return new PostgresStore(options.ConnectionString, options.Schema);
        });
        // In place of what AddStrata registers (SQLite, one instance); PostgresStartup refuses to start if AddStrata
        // came after this and put SQLite back.
        services.AddStrataStore(sp => sp.GetRequiredService<PostgresStore>());
        services.TryAddSingleton<PostgresLeases>();
        services.TryAddSingleton<PostgresSignals>();
        Replace<IClusterLeases>(services, sp => sp.GetRequiredService<PostgresLeases>());
        Replace<IClusterSignals>(services, sp => sp.GetRequiredService<PostgresSignals>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, PostgresStartup>());
        return services;
    }

    private static void Replace<T>(IServiceCollection services, Func<IServiceProvider, T> factory) where T : class
    {
        services.RemoveAll<T>();
        services.AddSingleton(factory);
    }
}
