using System.Diagnostics;
using System.Net.Http.Headers;

namespace Strata.WatchBench;

/// <summary>Writes go over one kept-alive HttpClient connection, the same way for every target.</summary>
internal static class Write
{
    public static HttpClient Client(Uri url) => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = 1,
        UseProxy = false,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(10),
    })
    { BaseAddress = url, Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>The value written: its sequence number and the wall-clock send time, so a reader of the store can tell.</summary>
    public static string Value(int sequence) =>
        $"{{\"seq\":{sequence},\"sentUnixMs\":{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}}}";

    public static async Task<(long Sent, HttpResponseMessage Response)> SendAsync(HttpClient client, HttpRequestMessage request, CancellationToken ct)
    {
        var sent = Stopwatch.GetTimestamp();
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            throw new InvalidOperationException($"{request.Method} {request.RequestUri} answered {(int)response.StatusCode}: {body}");
        }
        return (sent, response);
    }

    public static ByteArrayContent Json(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }
}
