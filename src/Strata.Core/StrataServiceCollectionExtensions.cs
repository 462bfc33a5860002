using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Strata.Access;
using Strata.Configuration;
using Strata.Application;
using Strata.Cluster;
using Strata.Engine;
using Strata.Health;
using Strata.Storage;
using Strata.Storage.Sqlite;
using Strata.Watch;

namespace Strata;

/// <summary>Registers Strata in an application's services.</summary>
public static class StrataServiceCollectionExtensions
{
    /// <summary>The name of Strata's OpenAPI document, served at <c>/openapi/strata.json</c>: its own, so a host's <c>v1</c> is left alone.</summary>
    public const string OpenApiDocumentName = "strata";

    /// <summary>
    /// Adds the Strata engine over SQLite in <see cref="StrataOptions.DataDirectory"/>, its readiness check, problem
    /// details, OpenAPI, per-token rate limiting (the host calls <c>UseRateLimiter()</c>, before <c>UseAuthorization()</c>)
    /// and Strata's authentication schemes and authorization (neither becomes the host's default scheme). Definitions are checked
    /// when the host starts; a bad one stops start-up. The host's own <see cref="TimeProvider"/> and JSON options are
    /// left as they are.
    /// </summary>
    public static IServiceCollection AddStrata(this IServiceCollection services, Action<StrataOptions>? configure = null)
    {
        var options = services.AddOptions<StrataOptions>();
        if (configure is not null) options.Configure(configure);
        services.AddStrataStore(sp => new SqliteSettingsStore(
            Path.Combine(sp.GetRequiredService<IOptions<StrataOptions>>().Value.DataDirectory, "strata.db"), sp.GetRequiredService<TimeProvider>()));
        // The host's clock if it has one (a test's fake clock, say) is kept: the engine only adds the system clock when none is there.
        services.AddStrataEngine();
        services.AddStrataApplication();
        services.AddSingleton<Search.SettingsSearch>();
        services.AddSingleton<ClusterFollower>();
        services.AddHostedService<StrataHostedService>();
        var limits = new StrataRateLimitOptions();
        services.AddSingleton(limits);
        services.AddOptions<StrataOptions>().PostConfigure(o =>
        {
            limits.PermitsPerSecond = o.RateLimit.PermitsPerSecond;
            limits.Burst = o.RateLimit.Burst;
            limits.UnauthenticatedPermitsPerSecond = o.RateLimit.UnauthenticatedPermitsPerSecond;
            limits.UnauthenticatedBurst = o.RateLimit.UnauthenticatedBurst;
        });
        services.AddStrataRateLimiting(limits);
        services.AddStrataAuthentication();
        services.AddHealthChecks().AddCheck<StoreHealthCheck>("store", tags: [HealthEndpoints.ReadyTag]);
        services.AddSingleton<HealthMapping>();
        services.AddSingleton(sp => new ConsumerRegistry(sp.GetRequiredService<TimeProvider>()));
        services.AddProblemDetails();
        // The web UI's forms (Strata.Ui) carry the framework's antiforgery token; its middleware checks every form post.
        services.AddAntiforgery();
        services.AddOpenApi(OpenApiDocumentName, o =>
        {
            // Strata's document holds Strata's endpoints, and a host's documents do not (their group name differs).
            o.ShouldInclude = d => d.GroupName == OpenApiDocumentName;
            o.AddDocumentTransformer<Strata.Http.OpenApi.ApiDocumentTransformer>();
        });
        return services;
    }

    /// <summary>
    /// Opens the store (migrating it) before the server takes requests; drains pending commits on stop. Where a
    /// generated admin token went is logged only once the whole host has started, the server included.
    /// </summary>
    private sealed class StrataHostedService(SettingsEngine engine, UserService users, SessionService sessions, SessionKeys sessionKeys, ClusterFollower follower,
        IEnumerable<EmbeddedConfigurationProvider> configurations, ILogger<EmbeddedConfigurationProvider> configurationLogger) : IHostedLifecycleService
    {
        public async Task StartAsync(CancellationToken ct)
        {
            await engine.StartAsync(ct).ConfigureAwait(false);
            await users.InitializeAsync(ct).ConfigureAwait(false);
            await sessions.InitializeAsync(ct).ConfigureAwait(false);
            await sessionKeys.InitializeAsync(ct).ConfigureAwait(false);
            follower.Start();
            foreach (var configuration in configurations) configuration.Attach(engine, configurationLogger);
        }

        public Task StartedAsync(CancellationToken ct)
        {
            engine.Tokens.ReportBootstrap();
            return Task.CompletedTask;
        }

        public async Task StopAsync(CancellationToken ct)
        {
            await follower.DisposeAsync().ConfigureAwait(false);
            foreach (var configuration in configurations) await configuration.DetachAsync().ConfigureAwait(false);
            // Last-seen times are written through the commit loop, before it drains.
            await sessions.DisposeAsync().ConfigureAwait(false);
            await engine.DisposeAsync().ConfigureAwait(false);
        }

        public Task StartingAsync(CancellationToken ct) => Task.CompletedTask;

        public Task StoppingAsync(CancellationToken ct) => Task.CompletedTask;

        public Task StoppedAsync(CancellationToken ct) => Task.CompletedTask;
    }
}
