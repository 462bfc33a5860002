using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Strata.Tests.Infrastructure;

namespace Strata.Tests.Transfer;

/// <summary>
/// One real <c>strata serve</c> child process shared by the YAML attack tests: a stack overflow or an
/// out-of-memory kill ends the process it happens in, so attacks must not run inside the test host.
/// </summary>
public sealed class YamlAttackServer : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private Process? _process;

    public HttpClient Http { get; private set; } = null!;

    public Uri Address { get; private set; } = null!;

    public string Token { get; } = "yaml-attack-admin-token-" + Guid.NewGuid().ToString("N");

    public StringBuilder Output { get; private set; } = null!;

    /// <summary>Resident memory of the server after start-up, in KiB.</summary>
    public long StartRssKib { get; private set; }

    public async Task InitializeAsync()
    {
        var (process, address, output) = await StrataProcess.ServeAsync(_dir.Path,
            new Dictionary<string, string> { ["STRATA_ADMIN_TOKEN"] = Token }, "--Strata:RateLimit:PermitsPerSecond=0");
        (_process, Address, Output) = (process, address, output);
        Http = OpenApiContractHandler.Client(address, Token);
        Http.Timeout = TimeSpan.FromSeconds(60);
        StartRssKib = Memory().RssKib;
    }

    public bool HasExited => _process!.HasExited;

    /// <summary>Resident and peak resident memory of the server process, in KiB, from <c>/proc/PID/status</c>.</summary>
    public (long RssKib, long PeakKib) Memory()
    {
        var lines = File.ReadAllLines($"/proc/{_process!.Id}/status");
        long Field(string name) => long.Parse(lines.Single(l => l.StartsWith(name + ":", StringComparison.Ordinal))[(name.Length + 1)..].Trim().Split(' ')[0]);
        return (Field("VmRSS"), Field("VmHWM"));
    }

    public async Task<long> RevisionAsync()
    {
        var body = JsonSerializer.Deserialize<JsonElement>(await Http.GetStringAsync("api/v1/revision"));
        return body.GetProperty("revision").GetInt64();
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        if (_process is not null)
        {
            if (!_process.HasExited) _process.Kill();
            await _process.WaitForExitAsync();
            _process.Dispose();
        }
        _dir.Dispose();
    }
}
