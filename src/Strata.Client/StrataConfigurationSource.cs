using Microsoft.Extensions.Configuration;

namespace Strata.Client;

/// <summary>The configuration source <see cref="StrataConfigurationBuilderExtensions.AddStrata"/> adds.</summary>
internal sealed class StrataConfigurationSource(StrataClientOptions options) : IConfigurationSource
{
    internal StrataClientOptions Options { get; } = options;

    public IConfigurationProvider Build(IConfigurationBuilder builder) => new StrataConfigurationProvider(Options);
}
