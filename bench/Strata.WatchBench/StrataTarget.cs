using System.Globalization;
using System.Net.Http.Headers;
using System.Text;

namespace Strata.WatchBench;

/// <summary>
/// Strata: watches <c>GET /api/v1/watch?ns=bench&amp;keys=k</c> (server-sent events), writes
/// <c>PUT /api/v1/settings/bench/k</c> (to <paramref name="writeUrl"/>: another instance on a shared store, or the same)
/// and reads the commit's revision from <c>Strata-Revision</c>.
/// </summary>
internal sealed class StrataTarget(Uri url, Uri writeUrl, string token) : ITarget
{
    private readonly HttpClient _client = Write.Client(writeUrl);

    public ReadOnlyMemory<byte> WatchRequest { get; } = Encoding.ASCII.GetBytes(
        $"GET /api/v1/watch?ns=bench&keys=k HTTP/1.1\r\nHost: {url.Authority}\r\nAuthorization: Bearer {token}\r\n" +
        "Accept: text/event-stream\r\n\r\n");

    public ILineProtocol NewProtocol() => new SseLines();

    public async Task<(long Sent, long Revision)> WriteAsync(int sequence, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, "/api/v1/settings/bench/k")
        {
            Content = Write.Json(Encoding.UTF8.GetBytes($"{{\"value\":{Write.Value(sequence)}}}")),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var (sent, response) = await Write.SendAsync(_client, request, ct).ConfigureAwait(false);
        using (response)
        {
            var revision = response.Headers.TryGetValues("Strata-Revision", out var values) ? values.FirstOrDefault() : null;
            if (!long.TryParse(revision, NumberStyles.None, CultureInfo.InvariantCulture, out var r))
                throw new InvalidOperationException($"the PUT answered no Strata-Revision header (got '{revision}')");
            return (sent, r);
        }
    }

    public void Dispose() => _client.Dispose();
}
