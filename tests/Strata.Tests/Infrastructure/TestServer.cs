using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Strata.Cli.Serve;

namespace Strata.Tests.Infrastructure;

/// <summary>
/// The real server (the same host <c>strata serve</c> builds) on Kestrel at 127.0.0.1, port 0, over a temp SQLite
/// file, or over a PostgreSQL schema when <c>postgres</c> is given (as <c>strata serve --postgres</c> runs it).
/// </summary>
public sealed class TestServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TempDirectory _dir;
    private readonly bool _ownsDir;

    private TestServer(WebApplication app, TempDirectory dir, bool ownsDir, Uri address)
    {
        _app = app;
        _dir = dir;
        _ownsDir = ownsDir;
        Address = address;
        Contract = OpenApiContractHandler.Lazily(address);
        Http = CreateClient();
    }

    public Uri Address { get; }
    internal Strata.Engine.SettingsEngine Engine => _app.Services.GetRequiredService<Strata.Engine.SettingsEngine>();
    internal IServiceProvider Services => _app.Services;
    /// <summary>A client whose every answer is checked against the served OpenAPI document (see <see cref="OpenApiContractHandler"/>).</summary>
    public HttpClient Http { get; }

    /// <summary>The served OpenAPI document, fetched once on first use.</summary>
    public Lazy<Task<OpenApiContract>> Contract { get; }

    /// <summary>Another client checked against the document, with a bearer token when given (anonymous otherwise).</summary>
    public HttpClient CreateClient(string? token = null) => OpenApiContractHandler.Client(Address, token, Contract);

    /// <summary>A client whose answers are not checked: only for tests of answers outside the document by design (unknown routes, unexpected faults).</summary>
    public HttpClient CreateUncheckedClient() => new() { BaseAddress = Address };
    public string DataDirectory => _dir.Path;

    public static async Task<TestServer> StartAsync(Action<StrataOptions>? configure = null, string? definitionsFile = null,
        TempDirectory? dir = null, string[]? hostArgs = null, string? masterKey = null, string[]? anonymousGrants = null, TimeProvider? clock = null,
        (string ConnectionString, string Schema)? postgres = null)
    {
        var owns = dir is null;
        dir ??= new TempDirectory();
        string[] args = postgres is { } pg ? [.. hostArgs ?? [], $"--Strata:PostgreSql:Schema={pg.Schema}"] : hostArgs ?? [];
        var app = ServerHost.Build(new ServeSettings(dir.Path, "http://127.0.0.1:0", definitionsFile, postgres?.ConnectionString), args, o =>
        {
            o.EnvironmentVariables = new System.Collections.Hashtable();
            // Open to anonymous callers unless a test is about access control.
            o.AnonymousGrants = anonymousGrants ?? ["admin:*"];
            if (masterKey is not null) o.EnvironmentVariables[Strata.Security.MasterKey.Variable] = masterKey;
            configure?.Invoke(o);
        }, clock);
        await app.StartAsync();
        var address = new Uri(ServerHost.Addresses(app).Single());
        var server = new TestServer(app, dir, owns, address);
        // Read before any test traffic: a test that spends the per-address budget must not leave the check without its document.
        await server.Contract.Value;
        return server;
    }

    public async Task<long> RevisionAsync()
    {
        var body = await Http.GetFromJsonAsync<JsonElement>("api/v1/revision");
        return body.GetProperty("revision").GetInt64();
    }

    public Task<HttpResponseMessage> PutJsonAsync(string path, string json) =>
        Http.PutAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

    public Task<HttpResponseMessage> PostJsonAsync(string path, string json) =>
        Http.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        if (_ownsDir) _dir.Dispose();
    }
}
