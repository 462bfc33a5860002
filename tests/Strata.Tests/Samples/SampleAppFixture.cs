using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Strata.Tests.Infrastructure;

namespace Strata.Tests.Samples;

/// <summary>A real <c>strata serve</c> and the sample following it, started once for <see cref="SampleAppTests"/>.</summary>
public sealed class SampleAppFixture : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private readonly string _token = "sample-admin-" + Guid.NewGuid().ToString("N");
    private Process? _server;
    private HttpClient? _strata;
    private SampleWebProcess? _sample;

    internal SampleWebProcess Sample => _sample ?? throw new InvalidOperationException("The fixture has not started.");

    public async Task InitializeAsync()
    {
        Uri address;
        (_server, address, _) = await StrataProcess.ServeAsync(
            _dir.File("data"), new Dictionary<string, string> { ["STRATA_ADMIN_TOKEN"] = _token });
        _strata = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(10) };
        _strata.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _token);
        // The sample Require()s it: without it, it would not start.
        await PutAsync("checkout", "max_items", "50");

        var signingKey = (await _strata.GetFromJsonAsync<JsonElement>("api/v1/signing-key")).GetProperty("publicKey").GetString()!;
        _sample = await SampleWebProcess.StartAsync(new Dictionary<string, string>
        {
            ["Strata__Server"] = address.ToString(),
            ["Strata__Token"] = _token,
            ["Strata__SigningKey"] = signingKey,
            ["Strata__LastKnownGoodPath"] = _dir.File("sample.lkg"),
            ["Strata__LastKnownGoodKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
        });
    }

    /// <summary>Stores <paramref name="json"/> at <paramref name="ns"/>/<paramref name="key"/> and returns the commit's revision.</summary>
    internal async Task<long> PutAsync(string ns, string key, string json)
    {
        using var body = new StringContent($$"""{"value": {{json}}}""", Encoding.UTF8, "application/json");
        using var answer = await _strata!.PutAsync($"api/v1/settings/{ns}/{key}", body);
        var text = await answer.Content.ReadAsStringAsync();
        Assert.True(answer.IsSuccessStatusCode, $"PUT {ns}/{key}: {(int)answer.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.GetProperty("revision").GetInt64();
    }

    public async Task DisposeAsync()
    {
        if (_sample is not null) await _sample.DisposeAsync();
        _strata?.Dispose();
        if (_server is not null)
        {
            if (!_server.HasExited) _server.Kill(entireProcessTree: true);
            await _server.WaitForExitAsync();
            _server.Dispose();
        }
        _dir.Dispose();
    }
}
