using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Strata.Client.Contracts;

namespace Strata.Client.Internal;

/// <summary>The client's one HTTP connection pool to the server: snapshot, watch and consumer reports.</summary>
internal sealed class StrataServerClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly SignatureVerifier _verifier;
    private readonly string _query;
    private readonly ConsumerIdentity? _identity;

    // identity null: a watch that does not register as a consumer (the CLI's).
    internal StrataServerClient(StrataClientOptions options, SignatureVerifier verifier, ConsumerIdentity? identity, IReadOnlyList<string>? keys = null)
    {
        // Timeouts are per call: the watch is one long response.
        _http = StrataHttp.Create(options.Server!, options.Token, options.HttpMessageHandlerFactory?.Invoke(), Timeout.InfiniteTimeSpan);
        _verifier = verifier;
        _identity = identity;
        var query = new StringBuilder("ns=").Append(Uri.EscapeDataString(string.Join(',', options.Namespaces)));
        if (options.Scopes.Count > 0) query.Append("&scope=").Append(Uri.EscapeDataString(string.Join(',', options.Scopes)));
        if (keys is { Count: > 0 }) query.Append("&keys=").Append(Uri.EscapeDataString(string.Join(',', keys)));
        _query = query.ToString();
    }

    internal SignatureVerifier Verifier => _verifier;

    /// <summary>GET /api/v1/snapshot, verified before it is parsed.</summary>
    internal async Task<SnapshotDocument> FetchSnapshotAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var response = await _http.GetAsync("api/v1/snapshot?" + _query, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
            await EnsureSuccessAsync(response, "snapshot", cancellationToken).ConfigureAwait(false);
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            if (!_verifier.Verify(body))
                throw new StrataServerException("The snapshot's signature does not verify under StrataClientOptions.SigningKey: nothing in it was applied.", transient: true);
            return JsonSerializer.Deserialize(body, ClientJsonContext.Default.SnapshotDocument)
                ?? throw new StrataServerException("The server answered the snapshot with null.", transient: true);
        }
        catch (HttpRequestException e)
        {
            throw new StrataServerException($"The Strata server at {_http.BaseAddress} cannot be reached: {e.Message}", transient: true, e);
        }
        catch (JsonException e)
        {
            throw new StrataServerException("The server's snapshot is not the documented shape.", transient: true, e);
        }
    }

    /// <summary>Opens GET /api/v1/watch resuming after <paramref name="since"/>; the caller owns (and disposes) the response.</summary>
    internal async Task<HttpResponseMessage> OpenWatchAsync(long since, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"api/v1/watch?{_query}&since={since}");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (_identity is not null)
        {
            request.Headers.TryAddWithoutValidation("Strata-Consumer-Application", _identity.Application);
            request.Headers.TryAddWithoutValidation("Strata-Consumer-Instance", _identity.Instance);
            request.Headers.TryAddWithoutValidation("Strata-Consumer-Host", _identity.Host);
        }
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new StrataServerException($"The Strata server at {_http.BaseAddress} cannot be reached: {e.Message}", transient: true, e);
        }
        finally
        {
            request.Dispose();
        }
        try
        {
            await EnsureSuccessAsync(response, "watch", cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            response.Dispose();
            throw;
        }
        return response;
    }

    /// <summary>PUT /api/v1/consumers/{instance}: tells the server what this instance has applied.</summary>
    internal async Task ReportAsync(long revision, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new ConsumerReport(revision), ClientJsonContext.Default.ConsumerReport);
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await _http.PutAsync("api/v1/consumers/" + Uri.EscapeDataString((_identity ?? throw new InvalidOperationException("A watch without a consumer identity reports nothing.")).Instance), content, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode) return;
        var status = (int)response.StatusCode;
        var detail = await ProblemDetailAsync(response, cancellationToken).ConfigureAwait(false);
        var transient = status >= 500 || response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests;
        var hint = response.StatusCode switch
        {
            HttpStatusCode.Unauthorized => " Check StrataClientOptions.Token: it is missing, revoked or expired.",
            HttpStatusCode.Forbidden => " The token needs config.read on every namespace in StrataClientOptions.Namespaces.",
            _ => "",
        };
        throw new StrataServerException($"The Strata server refused the {what} with {status} {response.ReasonPhrase}{(detail is null ? "" : ": " + detail)}.{hint}", transient, status: status);
    }

    private static async Task<string?> ProblemDetailAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            if (bytes.Length == 0 || bytes.Length > 16 * 1024) return null;
            using var problem = JsonDocument.Parse(bytes);
            return problem.RootElement.ValueKind == JsonValueKind.Object
                && (problem.RootElement.TryGetProperty("detail", out var d) || problem.RootElement.TryGetProperty("title", out d))
                && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
        }
        catch (Exception e) when (e is JsonException or HttpRequestException)
        {
            return null;
        }
    }

    public void Dispose() => _http.Dispose();
}
