using System.Net.Http.Json;
using Strata.Tests.Infrastructure;

namespace Strata.Tests.Browser;

/// <summary>A server with a few namespaces, some defined in YAML with descriptions, some only stored; shared by a test class.</summary>
public sealed class StartPageServer : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private TestServer? _server;

    public TestServer Server => _server ?? throw new InvalidOperationException("The server is not started.");

    public async Task InitializeAsync()
    {
        var definitions = _dir.Write("definitions.yaml", """
            namespaces:
              billing:
                description: Spending limits and invoicing
                settings:
                  max_daily_usd: { type: float, default: 100, min: 0 }
                  invoice_day: { type: int, default: 1, min: 1, max: 28 }
              checkout:
                description: Cart and payment flow
                settings:
                  max_items: { type: int, default: 50 }
                  express_enabled: { type: bool, default: false }
                  payment_timeout: { type: duration, default: 30s }
              search:
                description: Ranking and suggestions
                settings:
                  suggestions: { type: int, default: 8 }
            """);
        _server = await TestServer.StartAsync(definitionsFile: definitions);
        foreach (var (path, value) in new (string, object)[]
                 {
                     ("billing/max_daily_usd", 250.5), ("checkout/max_items", 120), ("checkout/express_enabled", true),
                     ("feature-flags/new_header", true),
                 })
            (await _server.Http.PutAsJsonAsync($"api/v1/settings/{path}", new { value })).EnsureSuccessStatusCode();
    }

    public async Task DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
        _dir.Dispose();
    }
}
