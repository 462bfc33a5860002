using System.Net;

namespace Strata.Cli.Serve;

/// <summary>
/// Checks the addresses `serve` is asked to listen on. Kestrel listens on every interface when a host is neither an
/// IP address nor localhost (a typo such as 256.1.1.1 included), so such a host is refused: every interface must be
/// asked for by name (<c>*</c>, <c>+</c>, <c>0.0.0.0</c> or <c>[::]</c>).
/// </summary>
internal static class ListenAddresses
{
    public static void Check(string urls)
    {
        foreach (var url in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var rest = url.IndexOf("://", StringComparison.Ordinal) is var scheme and >= 0 ? url[(scheme + 3)..] : url;
            var end = rest.IndexOf('/') is var slash and >= 0 ? slash : rest.Length;
            var authority = rest[..end];
            var host = authority.StartsWith('[') ? authority[..(authority.IndexOf(']') + 1)]
                : authority.LastIndexOf(':') is var colon and >= 0 ? authority[..colon] : authority;
            if (host is "*" or "+" or "localhost" || IPAddress.TryParse(host.Trim('[', ']'), out _)) continue;
            throw new ListenAddressException(
                $"cannot listen on {url}: '{host}' is neither an IP address nor localhost, and Kestrel would then listen on every interface. " +
                "Use an IP address or localhost, or * to listen on every interface on purpose.");
        }
    }
}

/// <summary>A listen address `serve` refuses; the message names it and the fix.</summary>
internal sealed class ListenAddressException(string message) : Exception(message);
