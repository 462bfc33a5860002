using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Strata.Tests.Infrastructure;

namespace Strata.Tests.Crash;

/// <summary><c>strata serve</c> as a real child process: start-up messages, clean shutdown, and a SIGKILL mid-write.</summary>
public sealed class ServerProcessTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Every_acknowledged_write_survives_a_sigkill_during_concurrent_writes()
    {
        var token = "crash-test-admin-token-" + Guid.NewGuid().ToString("N");
        var (process, address, _) = await StrataProcess.ServeAsync(_dir.Path, new Dictionary<string, string> { ["STRATA_ADMIN_TOKEN"] = token },
            "--Strata:RateLimit:PermitsPerSecond=0");
        var acknowledged = new ConcurrentDictionary<string, int>();
        using var http = OpenApiContractHandler.Client(address, token);
        http.Timeout = TimeSpan.FromSeconds(10);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        async Task Writer(int worker)
        {
            for (var i = 0; i < 5_000 && !stop.IsCancellationRequested; i++)
            {
                var key = $"w{worker}-{i}";
                try
                {
                    var response = await http.PutAsJsonAsync($"api/v1/settings/crash/{key}", new { value = i }, stop.Token);
                    if (response.StatusCode == HttpStatusCode.Created) acknowledged[key] = i;
                }
                catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
                {
                    return;
                }
            }
        }

        var writers = Enumerable.Range(0, 16).Select(Writer).ToList();
        while (acknowledged.Count < 500 && !stop.IsCancellationRequested && !process.HasExited) await Task.Delay(5);
        process.Kill();
        await process.WaitForExitAsync();
        await Task.WhenAll(writers);
        Assert.True(acknowledged.Count >= 500, $"only {acknowledged.Count} writes were acknowledged before the kill");

        await using var restarted = await TestServer.StartAsync(dir: _dir);
        var stored = await restarted.Http.GetFromJsonAsync<JsonElement>("api/v1/settings/crash");
        var values = stored.GetProperty("settings").EnumerateArray()
            .ToDictionary(s => s.GetProperty("key").GetString()!, s => s.GetProperty("value").GetInt32());
        var missing = acknowledged.Where(a => !values.TryGetValue(a.Key, out var v) || v != a.Value).Select(a => a.Key).ToList();
        Assert.Empty(missing);
        Assert.True(await restarted.RevisionAsync() >= acknowledged.Count);
    }

    [Fact]
    public async Task Serve_prints_where_it_listens_and_its_data_then_stops_cleanly_on_sigterm()
    {
        var (process, address, output) = await StrataProcess.ServeAsync(_dir.Path);
        using var http = OpenApiContractHandler.Client(address);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("healthz")).StatusCode);
        Assert.Equal("127.0.0.1", address.Host);

        using (var term = Process.Start("kill", ["-TERM", process.Id.ToString()])) await term.WaitForExitAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(0, process.ExitCode);
        var text = output.ToString();
        Assert.Contains($"strata: data in {_dir.Path}", text);
        Assert.Contains("strata: stopped", text);
        var tokenFile = Path.Combine(_dir.Path, "admin.token");
        Assert.Contains($"strata: admin token written to {tokenFile}", text);
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(tokenFile));
        Assert.True(File.Exists(Path.Combine(_dir.Path, "strata.db")));
    }

    [Fact]
    public async Task A_bad_definitions_file_stops_serve_with_exit_8_naming_file_and_line()
    {
        var file = _dir.Write("defs.yaml", "namespaces:\n  app:\n    settings:\n      port:\n        type: int\n        default: eighty\n");
        var (code, _, stderr) = await StrataProcess.RunAsync("serve", "--urls", "http://127.0.0.1:0", "--data", _dir.File("data"), "--definitions", file);
        Assert.Equal(8, code);
        Assert.Contains($"{file}:6:", stderr);
        Assert.Contains("'eighty' is not an integer", stderr);
    }
}
