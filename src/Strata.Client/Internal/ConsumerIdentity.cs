using System.Reflection;

namespace Strata.Client.Internal;

/// <summary>How this client names itself in the server's consumers view.</summary>
internal sealed record ConsumerIdentity(string Application, string Instance, string Host)
{
    internal static ConsumerIdentity From(StrataClientOptions options) => new(
        NonEmpty(options.Application) ?? Assembly.GetEntryAssembly()?.GetName().Name ?? "unknown",
        NonEmpty(options.InstanceId) ?? Guid.NewGuid().ToString("N")[..12],
        NonEmpty(options.Host) ?? Environment.MachineName);

    private static string? NonEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
