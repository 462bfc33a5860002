using Microsoft.Extensions.DependencyInjection;

namespace Strata.Storage;

internal static class StoreServices
{
    /// <summary>Registers a backend once, under each store contract (a later call replaces an earlier one's).</summary>
    public static IServiceCollection AddStrataStore(this IServiceCollection services, Func<IServiceProvider, IStrataStore> create)
    {
        services.AddSingleton(create);
        services.AddSingleton<ISettingsLog>(sp => sp.GetRequiredService<IStrataStore>());
        services.AddSingleton<ISealedValues>(sp => sp.GetRequiredService<IStrataStore>());
        services.AddSingleton<IAuditStore>(sp => sp.GetRequiredService<IStrataStore>());
        services.AddSingleton<ITokenStore>(sp => sp.GetRequiredService<IStrataStore>());
        services.AddSingleton<IDataKeyStore>(sp => sp.GetRequiredService<IStrataStore>());
        services.AddSingleton<IUserStore>(sp => sp.GetRequiredService<IStrataStore>());
        services.AddSingleton<ISessionStore>(sp => sp.GetRequiredService<IStrataStore>());
        return services;
    }
}
