using System.Text.Json;

namespace Strata.Tests.Infrastructure;

/// <summary>
/// Checks every answer a test receives against the OpenAPI document its server serves (fetched once, on first use):
/// the status is listed for the operation, its documented headers are sent, the content type is listed for that
/// status, and a JSON body matches the schema. A mismatch throws from the request, naming method, path, status and
/// what did not match, so the document cannot drift from the code.
/// </summary>
public sealed class OpenApiContractHandler : DelegatingHandler
{
    private readonly Uri _server;
    private readonly Lazy<Task<OpenApiContract>> _contract;

    /// <param name="server">The server whose answers are checked; requests elsewhere pass unchecked.</param>
    /// <param name="contract">The server's document when clients share one; loaded from <paramref name="server"/> otherwise.</param>
    public OpenApiContractHandler(Uri server, Lazy<Task<OpenApiContract>>? contract = null) : base(new SocketsHttpHandler())
    {
        _server = server;
        _contract = contract ?? Lazily(server);
    }

    /// <summary>The document of <paramref name="server"/>, fetched on first use.</summary>
    public static Lazy<Task<OpenApiContract>> Lazily(Uri server) => new(() => LoadAsync(server));

    /// <summary>A client of <paramref name="server"/> whose every answer is checked, with a bearer token when given.</summary>
    public static HttpClient Client(Uri server, string? token = null, Lazy<Task<OpenApiContract>>? contract = null)
    {
        var http = new HttpClient(new OpenApiContractHandler(server, contract)) { BaseAddress = server };
        if (token is not null) http.DefaultRequestHeaders.Authorization = new("Bearer", token);
        return http;
    }

    /// <summary>Fetches and parses the document a server serves at <c>/openapi/strata.json</c>.</summary>
    public static async Task<OpenApiContract> LoadAsync(Uri server, CancellationToken ct = default)
    {
        using var http = new HttpClient { BaseAddress = server };
        using var response = await http.GetAsync("openapi/strata.json", ct);
        response.EnsureSuccessStatusCode();
        using var document = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync(ct));
        return new OpenApiContract(document.RootElement.Clone());
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        if (request.RequestUri is not { } uri || uri.Authority != _server.Authority) return response;
        var contract = await _contract.Value.WaitAsync(cancellationToken);
        // A stream is not read here (it may never end): its status, headers and media type are checked, and its events
        // by the tests that read them.
        var body = response.Content.Headers.ContentType?.MediaType == "text/event-stream"
            ? "stream"u8.ToArray()
            : await response.Content.ReadAsByteArrayAsync(cancellationToken);
        var headers = response.Headers.Concat(response.Content.Headers).Select(h => h.Key);
        var failure = contract.Check(request.Method, uri.AbsolutePath, (int)response.StatusCode, response.Content.Headers.ContentType, body, headers);
        if (failure is not null)
        {
            response.Dispose();
            var sample = body.Length == 0 ? "" : $"\nBody: {System.Text.Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 400))}";
            throw new OpenApiContractException($"{request.Method} {uri.PathAndQuery} answered {(int)response.StatusCode}, which the OpenAPI document does not allow: {failure}.{sample}");
        }
        return response;
    }
}
