using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Strata.Tests.Infrastructure;

namespace Strata.Tests.Client;

/// <summary>The real <c>strata serve</c> SIGKILLed under a following client and restarted on the same data and port.</summary>
public sealed class ClientServerCrashTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_server_sigkilled_and_restarted_while_writes_go_on_leaves_the_client_with_every_committed_revision_applied_once_in_order()
    {
        var token = "client-crash-admin-" + Guid.NewGuid().ToString("N");
        var environment = new Dictionary<string, string> { ["STRATA_ADMIN_TOKEN"] = token };
        string[] flags = ["--Strata:RateLimit:PermitsPerSecond=0"];
        var (process, address, _) = await StrataProcess.ServeAsync(_dir.Path, environment, flags);
        Process? second = null;
        var log = new CapturedLog();
        try
        {
            var config = await StrataClient.BuildAsync(address, o => { o.Token = token; o.LoggerFactory = log.Factory; });
            using var client = (IDisposable)config;
            using var recorder = new ReloadRecorder(config, "checkout:max_items");
            using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(10) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            var restarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

            // One writer that goes on through the crash, until 20 writes have landed after the restart. A write that
            // fails waits for the restart and is tried again (it may have committed before the kill: the server's
            // history, not the writer, is the reference).
            var failures = 0;
            var writer = Task.Run(async () =>
            {
                var afterRestart = 0;
                for (var i = 1; afterRestart < 20 && i <= 800; i++)
                {
                    for (var attempt = 0; ; attempt++)
                    {
                        try
                        {
                            (await http.PutAsJsonAsync("api/v1/settings/checkout/max_items", new { value = i })).EnsureSuccessStatusCode();
                            if (restarted.Task.IsCompleted) afterRestart++;
                            break;
                        }
                        catch (HttpRequestException) when (attempt < 3)
                        {
                            failures++;
                            await restarted.Task.WaitAsync(TimeSpan.FromSeconds(60));
                        }
                    }
                }
            });

            await recorder.WaitForRevisionAsync(15, seconds: 60);
            process.Kill();
            await process.WaitForExitAsync();
            (second, _, _) = await StrataProcess.ServeAsync(StrataProcess.StartInfo(
                ["serve", "--urls", $"http://127.0.0.1:{address.Port}", "--data", _dir.Path, .. flags], environment));
            restarted.SetResult();
            await writer.WaitAsync(TimeSpan.FromSeconds(120));

            var final = (await http.GetFromJsonAsync<JsonElement>("api/v1/revision")).GetProperty("revision").GetInt64();
            await recorder.WaitForRevisionAsync(final, seconds: 60);
            var history = (await http.GetFromJsonAsync<JsonElement>("api/v1/settings/checkout/max_items/history?limit=1000"))
                .GetProperty("history").EnumerateArray()
                .Select(h => (h.GetProperty("revision").GetInt64(), (string?)h.GetProperty("newValue").GetRawText()))
                .Reverse().ToList();

            Assert.True(failures > 0, "the kill did not interrupt the writes");
            Assert.Equal(final, history[^1].Item1);
            Assert.Equal(history, recorder.Reloads);
            await log.WaitForAsync(2);
        }
        finally
        {
            if (!process.HasExited) process.Kill();
            if (second is { HasExited: false }) second.Kill();
            process.Dispose();
            second?.Dispose();
        }
    }
}
