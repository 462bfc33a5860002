using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Strata.Configuration;

namespace Strata;

/// <summary>Makes an embedded Strata's settings part of the host's own configuration.</summary>
public static class StrataHostApplicationBuilderExtensions
{
    /// <summary>
    /// Adds <paramref name="namespaces"/> of the Strata this app hosts (<c>AddStrata</c>) to its configuration as
    /// <c>Namespace:Key</c> (JSON objects and arrays flattened as the JSON provider does): loaded when Strata starts,
    /// then following every commit in-process, one reload per revision, so <c>IOptionsMonitor&lt;T&gt;</c> and
    /// <c>IOptionsSnapshot&lt;T&gt;</c> see changes as they do with <c>Strata.Client</c>. Values resolve at global scope;
    /// secrets are in clear (the app holds the master key).
    /// </summary>
    public static IHostApplicationBuilder AddStrataConfiguration(this IHostApplicationBuilder builder, params string[] namespaces)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (namespaces.Length == 0) throw new ArgumentException("Name at least one namespace to add to configuration.", nameof(namespaces));
        var provider = new EmbeddedConfigurationProvider(namespaces);
        builder.Configuration.Add(provider);
        builder.Services.AddSingleton(provider);
        return builder;
    }
}
