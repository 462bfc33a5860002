using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Strata.WatchBench;

/// <summary>
/// etcd 3.4 through its v3 JSON gateway: watches with a streaming <c>POST /v3/watch</c>, writes with
/// <c>POST /v3/kv/put</c> and reads the commit's revision from the answer's <c>header.revision</c>.
/// </summary>
internal sealed class EtcdTarget : ITarget
{
    private static readonly string Key = Convert.ToBase64String("bench/k"u8);
    private readonly HttpClient _client;

    public EtcdTarget(Uri url)
    {
        _client = Write.Client(url);
        var body = $"{{\"create_request\":{{\"key\":\"{Key}\"}}}}";
        WatchRequest = Encoding.ASCII.GetBytes(
            $"POST /v3/watch HTTP/1.1\r\nHost: {url.Authority}\r\nContent-Type: application/json\r\n" +
            $"Content-Length: {body.Length}\r\n\r\n{body}");
    }

    public ReadOnlyMemory<byte> WatchRequest { get; }

    public ILineProtocol NewProtocol() => new EtcdWatchLines();

    public async Task<(long Sent, long Revision)> WriteAsync(int sequence, CancellationToken ct)
    {
        var value = Convert.ToBase64String(Encoding.UTF8.GetBytes(Write.Value(sequence)));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v3/kv/put")
        {
            Content = Write.Json(Encoding.UTF8.GetBytes($"{{\"key\":\"{Key}\",\"value\":\"{value}\"}}")),
        };
        var (sent, response) = await Write.SendAsync(_client, request, ct).ConfigureAwait(false);
        using (response)
        {
            var body = await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
            using var json = JsonDocument.Parse(body);
            var revision = json.RootElement.GetProperty("header").GetProperty("revision").GetString();
            return (sent, long.Parse(revision ?? "", NumberStyles.None, CultureInfo.InvariantCulture));
        }
    }

    public void Dispose() => _client.Dispose();
}
