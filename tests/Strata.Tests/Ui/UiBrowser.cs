using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Strata.Tests.Infrastructure;

namespace Strata.Tests.Ui;

/// <summary>
/// A browser's view of the UI over HTTP: keeps its cookies (the antiforgery cookie among them), does not follow
/// redirects (tests look at them), and posts forms as a browser does.
/// </summary>
internal sealed partial class UiBrowser : IDisposable
{
    private readonly CookieContainer _cookies = new();
    private readonly HttpClient _http;

    public UiBrowser(TestServer server, string? token = null)
    {
        _http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, CookieContainer = _cookies }) { BaseAddress = server.Address };
        if (token is not null) _http.DefaultRequestHeaders.Authorization = new("Bearer", token);
    }

    public CookieContainer Cookies => _cookies;

    /// <summary>The body of the last response <see cref="OpenAsync"/> or <see cref="SubmitAsync"/> got.</summary>
    public string? LastPage { get; private set; }

    /// <summary>Gets a page and keeps it (for <see cref="SubmitAsync"/>); the response, for its status and headers.</summary>
    public async Task<HttpResponseMessage> OpenAsync(string path)
    {
        var response = await _http.GetAsync(path);
        LastPage = await response.Content.ReadAsStringAsync();
        return response;
    }

    /// <summary>Posts <paramref name="fields"/> with the antiforgery token of the last page opened, unless <paramref name="withToken"/> is false.</summary>
    public async Task<HttpResponseMessage> SubmitAsync(string path, IEnumerable<KeyValuePair<string, string>> fields, bool withToken = true)
    {
        var form = fields.ToList();
        if (withToken)
        {
            var token = HiddenPattern().Matches(LastPage ?? "").FirstOrDefault(m => m.Groups["name"].Value.StartsWith("__RequestVerificationToken", StringComparison.Ordinal))
                ?? throw new InvalidOperationException("The last page had no antiforgery field.");
            form.Add(new(token.Groups["name"].Value, WebUtility.HtmlDecode(token.Groups["value"].Value)));
        }
        var response = await _http.PostAsync(path, new FormUrlEncodedContent(form));
        LastPage = await response.Content.ReadAsStringAsync();
        return response;
    }

    public async Task<(HttpStatusCode Status, string Html)> GetAsync(string path)
    {
        using var response = await _http.GetAsync(path);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Gets a page that must answer 200.</summary>
    public async Task<string> PageAsync(string path)
    {
        var (status, html) = await GetAsync(path);
        Assert.True(status == HttpStatusCode.OK, $"GET {path}: {(int)status}\n{html}");
        return html;
    }

    public Task<HttpResponseMessage> PostAsync(string path, IEnumerable<KeyValuePair<string, string>> fields) =>
        _http.PostAsync(path, new FormUrlEncodedContent(fields));

    /// <summary>The hidden fields of the page's form <paramref name="formId"/>, as the browser would post them.</summary>
    public static List<KeyValuePair<string, string>> HiddenFields(string html, string formId)
    {
        var form = FormPattern().Matches(html).Single(m => m.Groups["id"].Value == formId).Groups["body"].Value;
        return [.. HiddenPattern().Matches(form).Select(m => KeyValuePair.Create(WebUtility.HtmlDecode(m.Groups["name"].Value), WebUtility.HtmlDecode(m.Groups["value"].Value)))];
    }

    /// <summary>
    /// A valid antiforgery cookie and form token minted by the server's own antiforgery service, for a caller whose
    /// pages carry no form (one that may not roll back): the refusal then cannot come from the token.
    /// </summary>
    public KeyValuePair<string, string> MintToken(TestServer server)
    {
        var context = new DefaultHttpContext { RequestServices = server.Services };
        var tokens = server.Services.GetRequiredService<IAntiforgery>().GetAndStoreTokens(context);
        var cookie = context.Response.Headers.SetCookie.ToString().Split(';')[0].Split('=', 2);
        _cookies.Add(server.Address, new Cookie(cookie[0], cookie[1]));
        return KeyValuePair.Create(tokens.FormFieldName, tokens.RequestToken!);
    }

    public void Dispose() => _http.Dispose();

    [GeneratedRegex("""<form[^>]*\bid="(?<id>[^"]+)"[^>]*>(?<body>.*?)</form>""", RegexOptions.Singleline)]
    private static partial Regex FormPattern();

    [GeneratedRegex("""<input type="hidden" name="(?<name>[^"]*)" value="(?<value>[^"]*)"\s*/?>""")]
    private static partial Regex HiddenPattern();
}
