using System.Net;
using System.Text.RegularExpressions;

namespace Strata.Tests.Ui;

/// <summary>
/// What a browser does with the UI, without one: keeps cookies, does not follow redirects (tests look at them),
/// and posts forms with the antiforgery token read from the page it last loaded.
/// </summary>
internal sealed partial class BrowserSession : IDisposable
{
    private readonly HttpClient _http;

    public BrowserSession(Uri address)
    {
        Cookies = new CookieContainer();
        _http = new HttpClient(new HttpClientHandler { CookieContainer = Cookies, AllowAutoRedirect = false, UseCookies = true }) { BaseAddress = address };
    }

    public CookieContainer Cookies { get; }
    public string? LastPage { get; private set; }

    public async Task<HttpResponseMessage> GetAsync(string path)
    {
        var response = await _http.GetAsync(path);
        LastPage = await response.Content.ReadAsStringAsync();
        return response;
    }

    /// <summary>Posts <paramref name="fields"/> with the antiforgery token of the last page loaded (unless <paramref name="withToken"/> is false).</summary>
    public async Task<HttpResponseMessage> PostFormAsync(string path, IEnumerable<KeyValuePair<string, string>> fields, bool withToken = true)
    {
        var form = fields.ToList();
        if (withToken)
        {
            var token = AntiforgeryField().Match(LastPage ?? "");
            if (!token.Success) throw new InvalidOperationException("The last page had no antiforgery field.");
            form.Add(new(token.Groups["name"].Value, WebUtility.HtmlDecode(token.Groups["value"].Value)));
        }
        var response = await _http.PostAsync(path, new FormUrlEncodedContent(form));
        LastPage = await response.Content.ReadAsStringAsync();
        return response;
    }

    public void Dispose() => _http.Dispose();

    [GeneratedRegex("<input type=\"hidden\" name=\"(?<name>__RequestVerificationToken[^\"]*)\" value=\"(?<value>[^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
