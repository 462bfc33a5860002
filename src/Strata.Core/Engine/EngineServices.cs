using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Strata.Access;
using Strata.Audit;
using Strata.Cluster;
using Strata.Registry;
using Strata.Resolution;
using Strata.Security;
using Strata.Storage;

namespace Strata.Engine;

/// <summary>
/// The engine's collaborators as services, each built once from the options and the others: nothing builds its own
/// dependencies. The store is the caller's to register (SQLite by <c>AddStrata</c>, another backend later).
/// </summary>
internal static class EngineServices
{
    public static IServiceCollection AddStrataEngine(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        // A shared store registers its own before this; otherwise this instance is the whole cluster.
        services.TryAddSingleton<SingleInstance>();
        services.TryAddSingleton<IClusterLeases>(sp => sp.GetRequiredService<SingleInstance>());
        services.TryAddSingleton<IClusterSignals>(sp => sp.GetRequiredService<SingleInstance>());
        services.AddSingleton(sp => new StrataEnvironment(Options(sp).EnvironmentVariables ?? Environment.GetEnvironmentVariables()));
        services.AddSingleton(sp => DefinitionRegistry.Build(Options(sp).Namespaces, Options(sp).Definitions, Options(sp).DefinitionsFile));
        services.AddSingleton(sp => new EnvironmentLayer(sp.GetRequiredService<DefinitionRegistry>(), Options(sp).EnvironmentPrefix,
            sp.GetRequiredService<StrataEnvironment>().Variables));
        services.AddSingleton(sp =>
        {
            var configured = Options(sp).LayerOrder;
            var order = configured is { Count: > 0 } ? configured.ToArray() : [.. StrataOptions.DefaultLayerOrder];
            if (order.Distinct().Count() != order.Length)
                throw new DefinitionException($"LayerOrder names a layer twice: {string.Join(", ", order)}.");
            return new Resolver(sp.GetRequiredService<DefinitionRegistry>(), sp.GetRequiredService<EnvironmentLayer>(), order);
        });
        services.AddSingleton(sp => new SecretKeeper(sp.GetRequiredService<IDataKeyStore>(), sp.GetRequiredService<ISealedValues>(), sp.GetRequiredService<DefinitionRegistry>(),
            MasterKey.Load(sp.GetRequiredService<StrataEnvironment>()[MasterKey.Variable], Options(sp).MasterKeyFile),
            Options(sp).KeyRotationBatchSize, [.. Options(sp).Declassify ?? []], sp.GetRequiredService<IClusterSignals>(),
            // Other instances hear of a rotation within a second (their signals); one instance has nobody to wait for.
            sp.GetRequiredService<IClusterSignals>() is SingleInstance ? TimeSpan.Zero : TimeSpan.FromSeconds(3),
            sp.GetRequiredService<TimeProvider>(), Logger(sp)));
        services.AddSingleton(sp => new TokenService(sp.GetRequiredService<ITokenStore>(), [.. Options(sp).AnonymousGrants ?? []], sp.GetRequiredService<IClusterSignals>(),
            sp.GetRequiredService<TimeProvider>(), Logger(sp)));
        services.AddSingleton<ChangeFeed>();
        services.AddSingleton<SigningKey>();
        services.AddSingleton(sp => new HistoryFeed(sp.GetRequiredService<ISettingsLog>(), sp.GetRequiredService<SecretKeeper>()));
        // Refusals are written through the engine's commit loop, looked up when the first one is written.
        services.AddSingleton(sp => new DeniedRequestLog(events => sp.GetRequiredService<SettingsEngine>().AuditAsync([.. events]),
            sp.GetRequiredService<TimeProvider>(), Logger(sp)));
        services.AddSingleton<SettingsEngine>();
        services.AddSingleton(sp => new StrataSettings(sp.GetRequiredService<SettingsEngine>(), sp.GetRequiredService<ILogger<StrataSettings>>()));
        return services;
    }

    /// <summary>An engine composed exactly as a host composes it, over <paramref name="store"/> (tests, benchmarks).</summary>
    public static SettingsEngine Create(StrataOptions options, IStrataStore store, TimeProvider time) =>
        new ServiceCollection()
            .AddLogging()
            .AddSingleton(Microsoft.Extensions.Options.Options.Create(options))
            .AddStrataStore(_ => store)
            .AddSingleton(time)
            .AddStrataEngine()
            .BuildServiceProvider()
            .GetRequiredService<SettingsEngine>();

    private static StrataOptions Options(IServiceProvider sp) => sp.GetRequiredService<IOptions<StrataOptions>>().Value;

    private static ILogger Logger(IServiceProvider sp) => sp.GetRequiredService<ILogger<SettingsEngine>>();
}
