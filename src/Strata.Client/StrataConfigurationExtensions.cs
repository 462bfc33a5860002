using Microsoft.Extensions.Configuration;

namespace Strata.Client;

/// <summary>Reads a Strata client's state from the configuration it feeds.</summary>
public static class StrataConfigurationExtensions
{
    /// <summary>The state of the Strata client in <paramref name="configuration"/> (the last one added, when there are several).</summary>
    /// <param name="configuration">A configuration root (<c>builder.Configuration</c>, or the app's <c>IConfiguration</c>).</param>
    /// <returns>Where the values came from, the revision, whether the watch is connected, the last error.</returns>
    /// <exception cref="InvalidOperationException">No Strata client feeds <paramref name="configuration"/>.</exception>
    public static StrataClientStatus GetStrataStatus(this IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return FindProvider(configuration)?.Status
            ?? throw new InvalidOperationException("No Strata client feeds this configuration: call AddStrata on its builder, and pass the configuration root (not a section).");
    }

    internal static StrataConfigurationProvider? FindProvider(IConfiguration configuration) =>
        configuration is IConfigurationRoot root ? root.Providers.OfType<StrataConfigurationProvider>().LastOrDefault() : null;
}
