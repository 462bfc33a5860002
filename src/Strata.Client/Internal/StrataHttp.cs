using System.Net.Http.Headers;

namespace Strata.Client.Internal;

/// <summary>The one way Strata's clients (the configuration provider and the <c>strata</c> CLI) talk HTTP to a server.</summary>
internal static class StrataHttp
{
    /// <summary>A client for <paramref name="server"/>, sending the bearer token when given.</summary>
    internal static HttpClient Create(Uri server, string? token, HttpMessageHandler? handler, TimeSpan timeout)
    {
        // A bounded pool lifetime so a server that moves (DNS) is found again on the next connection.
        handler ??= new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(5), PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        var http = new HttpClient(handler)
        {
            BaseAddress = server.AbsoluteUri.EndsWith('/') ? server : new Uri(server.AbsoluteUri + "/"),
            Timeout = timeout,
        };
        if (!string.IsNullOrEmpty(token)) http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }
}
