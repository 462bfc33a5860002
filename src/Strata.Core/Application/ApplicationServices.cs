using Microsoft.Extensions.DependencyInjection;

namespace Strata.Application;

/// <summary>
/// The commands every surface calls (the REST API, <c>/config</c>, later the web UI), as services over the engine.
/// Each takes a <see cref="Caller"/> and plain inputs and returns plain results or throws typed exceptions.
/// </summary>
internal static class ApplicationServices
{
    public static IServiceCollection AddStrataApplication(this IServiceCollection services)
    {
        services.AddSingleton<CommandAudit>();
        services.AddSingleton<PutCommand>();
        services.AddSingleton<ResetCommand>();
        services.AddSingleton<PatchCommand>();
        services.AddSingleton<ImportCommand>();
        services.AddSingleton<KeyRollbackCommand>();
        services.AddSingleton<NamespaceRollbackCommand>();
        services.AddSingleton<DiffQuery>();
        services.AddSingleton<RevealCommand>();
        services.AddSingleton<AuditLogQuery>();
        return services;
    }
}
