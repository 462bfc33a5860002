using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Strata.Cli.Serve;

/// <summary>The standalone server: the Strata library on Kestrel. Tests build it the same way, on port 0.</summary>
internal static class ServerHost
{
    public const string DefaultUrl = "http://localhost:5380";

    /// <summary>The environment variable that puts the store on PostgreSQL, like <c>--postgres</c>.</summary>
    public const string PostgresVariable = "STRATA_POSTGRES";

    // clock: the host's clock; tests pass one they move (session expiry), the server keeps the system's.
    public static WebApplication Build(ServeSettings settings, string[] hostArgs, Action<StrataOptions>? configure = null, TimeProvider? clock = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = hostArgs });
        if (clock is not null) builder.Services.AddSingleton(clock);
        var urls = settings.Urls ?? builder.Configuration["urls"];
        urls = string.IsNullOrWhiteSpace(urls) ? DefaultUrl : urls;
        ListenAddresses.Check(urls);
        builder.WebHost.UseUrls(urls);

        // Per-request framework logs would drown the service's own; warnings and errors still show.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        // `strata serve` says where it listens and when it stops in its own `strata:` lines.
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);
        // This category only logs request start/finish (Information). Left enabled at any level, hosting starts an
        // Activity and a log scope for every request; a tracing listener, when one is attached, still gets them.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        // Its only errors are a failed start (with a stack trace), which serve reports itself in one line, and a
        // failed BackgroundService, of which Strata has none.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.None);
        builder.Services.AddStrata(o =>
        {
            builder.Configuration.GetSection("Strata").Bind(o);
            o.DataDirectory = settings.DataDirectory;
            if (settings.DefinitionsFile is not null) o.DefinitionsFile = settings.DefinitionsFile;
            configure?.Invoke(o);
        });
        // --postgres (or STRATA_POSTGRES) first, then Strata:PostgreSql:ConnectionString; SQLite when neither is set.
        var postgres = builder.Configuration.GetSection("Strata:PostgreSql");
        if (!string.IsNullOrWhiteSpace(settings.Postgres ?? postgres["ConnectionString"]))
            builder.Services.AddStrataPostgreSql(o =>
            {
                postgres.Bind(o);
                if (!string.IsNullOrWhiteSpace(settings.Postgres)) o.ConnectionString = settings.Postgres;
            });
        // Each bridge is on when its connection is configured (docs/bridges.md).
        if (!string.IsNullOrWhiteSpace(builder.Configuration["Strata:Redis:Configuration"])) builder.Services.AddStrataRedis(builder.Configuration);
        if (!string.IsNullOrWhiteSpace(builder.Configuration["Strata:Mqtt:Server"])) builder.Services.AddStrataMqtt();
        builder.WebHost.ConfigureKestrel((context, kestrel) =>
        {
            var limit = context.Configuration.GetValue<long?>("Strata:MaxRequestBodyBytes") ?? new StrataOptions().MaxRequestBodyBytes;
            kestrel.Limits.MaxRequestBodySize = limit;
            kestrel.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
            kestrel.AddServerHeader = false;
        });

        var corsOrigins = builder.Configuration.GetSection("Strata:CorsOrigins").Get<string[]>() ?? [];
        if (corsOrigins.Length > 0)
            builder.Services.AddCors(o => o.AddDefaultPolicy(p => p.WithOrigins(corsOrigins).AllowAnyHeader()
                .WithMethods("GET", "PUT", "PATCH", "POST", "DELETE").WithExposedHeaders("ETag", "Strata-Revision")));

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        if (corsOrigins.Length > 0) app.UseCors();
        // Limited before authorization: a flood of bad tokens waits in its address's queue rather than being refused
        // (and audited) as fast as the CPUs allow.
        app.UseRateLimiter();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapStrata();
        app.MapStrataHealth();
        app.MapStrataUi();
        return app;
    }

    /// <summary>Where a server on PostgreSQL keeps its data (host, port, database, schema; never the credentials); null on SQLite.</summary>
    public static string? Postgres(WebApplication app)
    {
        var options = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<StrataPostgreSqlOptions>>().Value;
        if (string.IsNullOrWhiteSpace(options.ConnectionString)) return null;
        try
        {
            var c = new Npgsql.NpgsqlConnectionStringBuilder(options.ConnectionString);
            return $"{c.Host}:{c.Port}/{c.Database}, schema {options.Schema}";
        }
        catch (ArgumentException)
        {
            return $"schema {options.Schema}";
        }
    }

    public static IReadOnlyCollection<string> Addresses(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];
}

/// <summary>What <c>strata serve</c> was asked for; <c>Postgres</c> is the connection string of <c>--postgres</c> or <c>STRATA_POSTGRES</c>.</summary>
internal sealed record ServeSettings(string DataDirectory, string? Urls, string? DefinitionsFile, string? Postgres = null);
