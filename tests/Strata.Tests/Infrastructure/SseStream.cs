using System.Net;
using System.Net.ServerSentEvents;
using System.Text;
using System.Threading.Channels;
using NSec.Cryptography;

namespace Strata.Tests.Infrastructure;

/// <summary>A server-sent-events stream read in the background; tests wait on its events with a timeout.</summary>
internal sealed class SseStream : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly CancellationTokenSource _stop = new();
    private readonly Channel<SseItem<string>> _events = Channel.CreateUnbounded<SseItem<string>>();
    private readonly Task _pump;

    private SseStream(HttpResponseMessage response)
    {
        _response = response;
        _pump = Task.Run(PumpAsync);
    }

    public HttpStatusCode Status => _response.StatusCode;

    /// <summary>The retry interval the stream announced, once its first event has been read.</summary>
    public TimeSpan? Retry { get; private set; }

    public static async Task<SseStream> OpenAsync(HttpClient http, string path, IDictionary<string, string>? headers = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd("text/event-stream");
        foreach (var (name, value) in headers ?? new Dictionary<string, string>()) request.Headers.TryAddWithoutValidation(name, value);
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        if (response.StatusCode != HttpStatusCode.OK)
            throw new HttpRequestException($"{path} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}", null, response.StatusCode);
        return new SseStream(response);
    }

    /// <summary>The next event of <paramref name="type"/> (heartbeats skipped unless asked for); fails after the timeout or at the stream's end.</summary>
    public async Task<SseItem<string>> NextAsync(string? type = null, int timeoutSeconds = 10)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(timeoutSeconds));
        while (true)
        {
            SseItem<string> item;
            try
            {
                item = await _events.Reader.ReadAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"No {type ?? "event"} within {timeoutSeconds} s.");
            }
            catch (ChannelClosedException)
            {
                throw new InvalidOperationException($"The stream ended before a {type ?? "non-heartbeat event"}.");
            }
            if (type is null ? item.EventType != "heartbeat" : item.EventType == type) return item;
        }
    }

    /// <summary>True when the server ends the stream within the timeout (events still unread are skipped).</summary>
    public async Task<bool> EndsAsync(int timeoutSeconds = 10)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(timeoutSeconds));
        try
        {
            await _pump.WaitAsync(timeout.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _response.Dispose();
        await _pump.ContinueWith(_ => { }, TaskScheduler.Default);
        _stop.Dispose();
    }

    private async Task PumpAsync()
    {
        try
        {
            await using var body = await _response.Content.ReadAsStreamAsync(_stop.Token);
            var parser = SseParser.Create(body);
            await foreach (var item in parser.EnumerateAsync(_stop.Token))
            {
                Retry ??= parser.ReconnectionInterval == Timeout.InfiniteTimeSpan ? null : parser.ReconnectionInterval;
                await _events.Writer.WriteAsync(item);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or HttpRequestException or ObjectDisposedException)
        {
        }
        finally
        {
            _events.Writer.TryComplete();
        }
    }

    /// <summary>Whether a signed document (docs/watch.md) verifies under the base64 raw Ed25519 public key.</summary>
    public static bool Verifies(string document, string publicKey)
    {
        var bytes = Encoding.UTF8.GetBytes(document);
        const int suffix = 104;
        if (bytes.Length <= suffix || !document.EndsWith("\"}", StringComparison.Ordinal)
            || !Encoding.UTF8.GetString(bytes, bytes.Length - suffix, 14).Equals(",\"signature\":\"", StringComparison.Ordinal)) return false;
        byte[] signature;
        try
        {
            signature = Convert.FromBase64String(Encoding.UTF8.GetString(bytes, bytes.Length - 90, 88));
        }
        catch (FormatException)
        {
            return false;
        }
        var key = PublicKey.Import(SignatureAlgorithm.Ed25519, Convert.FromBase64String(publicKey), KeyBlobFormat.RawPublicKey);
        return SignatureAlgorithm.Ed25519.Verify(key, bytes.AsSpan(0, bytes.Length - suffix), signature);
    }
}
