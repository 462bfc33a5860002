using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Strata.Client.Internal;

namespace Strata.Cli.Client;

/// <summary>Talks to a running server and turns its answers into output and exit codes.</summary>
internal sealed class StrataClient(Uri server, string? token, TextWriter stdout, TextWriter stderr) : IDisposable
{
    private readonly HttpClient _http = CreateHttp(server, token);

    // A URL's user:password never reaches a message.
    private readonly string _shown = ServerUrl.Redact(server.ToString());

    public TextWriter Out { get; } = stdout;
    public TextWriter Error => stderr;
    public Uri Server => server;
    public string? Token => token;

    /// <summary>Sends a request; on success returns the body, on failure prints the problem and returns its exit code.</summary>
    public Task<(string? Body, int ExitCode)> SendAsync(HttpMethod method, string path, string? json = null,
        string contentType = "application/json", IDictionary<string, string>? headers = null, CancellationToken ct = default) =>
        SendContentAsync(method, path, json is null ? null : new StringContent(json, Encoding.UTF8, contentType), headers, ct);

    /// <summary>Sends <paramref name="body"/> as it is: a file's bytes reach the server unchanged, invalid UTF-8 included, for it to judge.</summary>
    public Task<(string? Body, int ExitCode)> SendBytesAsync(HttpMethod method, string path, byte[] body, string contentType, CancellationToken ct)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType) { CharSet = "utf-8" };
        // Asked first whether the server takes it: a body over its limit gets the 413 before being sent, instead of a
        // connection closed mid-upload.
        return SendContentAsync(method, path, content, new Dictionary<string, string> { ["Expect"] = "100-continue" }, ct);
    }

    private async Task<(string? Body, int ExitCode)> SendContentAsync(HttpMethod method, string path, HttpContent? content,
        IDictionary<string, string>? headers, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
            request.Headers.TryAddWithoutValidation(name, value);
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, ct);
        }
        catch (HttpRequestException e)
        {
            await stderr.WriteLineAsync($"strata: cannot reach {_shown}: {ServerUrl.Scrub(e.Message, server)}");
            return (null, ExitCodes.Unreachable);
        }
        catch (TaskCanceledException)
        {
            await stderr.WriteLineAsync($"strata: {_shown} did not answer in time.");
            return (null, ExitCodes.Unreachable);
        }
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(ct);
            if (response.IsSuccessStatusCode) return (body, ExitCodes.Ok);
            await ReportAsync(response.StatusCode, body);
            if (response.StatusCode == HttpStatusCode.Unauthorized && string.IsNullOrEmpty(token))
                await stderr.WriteLineAsync($"strata: no token was given: pass --token or set {ClientCommands.TokenVariable}.");
            return (null, ExitCodeFor(response.StatusCode));
        }
    }

    public void Dispose() => _http.Dispose();

    public static int ExitCodeFor(HttpStatusCode status) => status switch
    {
        HttpStatusCode.NotFound => ExitCodes.NotFound,
        HttpStatusCode.Conflict or HttpStatusCode.PreconditionFailed => ExitCodes.Conflict,
        HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => ExitCodes.Denied,
        HttpStatusCode.ServiceUnavailable => ExitCodes.Unreachable,
        >= HttpStatusCode.BadRequest and < HttpStatusCode.InternalServerError => ExitCodes.Invalid,
        _ => ExitCodes.Failure,
    };

    private async Task ReportAsync(HttpStatusCode status, string body)
    {
        try
        {
            using var problem = JsonDocument.Parse(body);
            var root = problem.RootElement;
            var title = root.TryGetProperty("title", out var t) ? t.GetString() : status.ToString();
            var detail = root.TryGetProperty("detail", out var d) ? d.GetString() : null;
            await stderr.WriteLineAsync($"strata: {(int)status} {title}{(detail is null ? "" : $": {detail}")}");
            if (root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array && errors.GetArrayLength() > 1)
                foreach (var e in errors.EnumerateArray())
                    await stderr.WriteLineAsync($"  {e.GetProperty("field").GetString()}: {e.GetProperty("message").GetString()}");
        }
        catch (JsonException)
        {
            await stderr.WriteLineAsync($"strata: {(int)status} {status}");
        }
    }

    private static HttpClient CreateHttp(Uri server, string? token)
    {
        var http = StrataHttp.Create(server, token, handler: null, TimeSpan.FromSeconds(30));
        http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return http;
    }
}
