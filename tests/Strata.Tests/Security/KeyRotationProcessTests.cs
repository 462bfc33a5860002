using System.Net.Http.Json;
using System.Text.Json;
using Strata.Security;
using Strata.Storage;
using Strata.Tests.Infrastructure;

namespace Strata.Tests.Security;

/// <summary>Rotation through the real executable: the CLI, and a server killed in the middle of re-encrypting.</summary>
public sealed class KeyRotationProcessTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly string _master = MasterKey.Generate();

    public void Dispose() => _dir.Dispose();

    private string Definitions() => _dir.Write("defs.yaml", """
        namespaces:
          vault:
            settings:
              token:
                type: string
                sensitive: true
                scopes: [global, tenant]
        """);

    private static async Task<JsonElement> KeysAsync(HttpClient http) => await http.GetFromJsonAsync<JsonElement>("api/v1/keys");

    [Fact]
    public async Task A_rotation_killed_midway_resumes_at_the_next_start_and_every_secret_stays_readable()
    {
        var data = Path.Combine(_dir.Path, "data");
        var defs = Definitions();
        var token = "rotation-test-admin-token-" + Guid.NewGuid().ToString("N");
        var env = new Dictionary<string, string> { [MasterKey.Variable] = _master, ["STRATA_ADMIN_TOKEN"] = token };
        var (process, address, _) = await StrataProcess.ServeAsync(data, env, "--definitions", defs, "--Strata:KeyRotationBatchSize=1");
        using var http = OpenApiContractHandler.Client(address, token);
        for (var round = 0; round < 50; round++)
        {
            var changes = Enumerable.Range(0, 100).Select(t => new { @namespace = "vault", key = "token", scope = $"tenant:t{t}", value = $"secret-{round}-{t}" });
            (await http.PatchAsJsonAsync("api/v1/settings", new { changes })).EnsureSuccessStatusCode();
        }
        var oldKey = (await KeysAsync(http)).GetProperty("active").GetString()!;

        // 5,100 records, re-encrypted one per transaction: kill at the first sign of progress.
        (await http.PostAsync("api/v1/keys/rotate", null)).EnsureSuccessStatusCode();
        for (var i = 0; i < 10_000; i++)
        {
            var keys = (await KeysAsync(http)).GetProperty("keys").EnumerateArray().ToList();
            if (keys.Single(k => k.GetProperty("id").GetString() != oldKey).GetProperty("records").GetInt64() > 0) break;
        }
        process.Kill();
        await process.WaitForExitAsync();
        long Remaining()
        {
            using var db = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(data, "strata.db")};Pooling=False");
            db.Open();
            using var cmd = db.CreateCommand();
            cmd.CommandText = $"SELECT COUNT(*) FROM history WHERE new_value LIKE '$enc:2:{oldKey}:%'";
            return (long)cmd.ExecuteScalar()!;
        }
        Assert.InRange(Remaining(), 1, 5_099);

        await using var restarted = await TestServer.StartAsync(dir: TempDirectory.At(data), definitionsFile: defs, masterKey: _master,
            hostArgs: ["--Strata:KeyRotationBatchSize=50"]);
        await restarted.Engine.Secrets.Rotation;

        restarted.Http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        var after = await KeysAsync(restarted.Http);
        Assert.Equal(DataKeyRecord.Retired, after.GetProperty("keys").EnumerateArray().Single(k => k.GetProperty("id").GetString() == oldKey).GetProperty("state").GetString());
        for (var t = 0; t < 100; t++)
        {
            var chain = Strata.Naming.ScopeChain.TryParse($"tenant:t{t}", out _)!;
            Assert.Equal($"secret-49-{t}", restarted.Engine.Get(restarted.Engine.Current, "vault", "token", chain)!.As<string>());
        }
        Assert.Equal(5000, (await restarted.Engine.HistoryAsync(new Strata.Storage.HistoryQuery("vault", "token", Limit: 10_000))).Count);
        foreach (var t in new[] { 0, 7, 99 })
        {
            var revealed = await restarted.Http.GetFromJsonAsync<JsonElement>($"api/v1/settings/vault/token?scope=tenant:t{t}&reveal=true");
            Assert.Equal($"secret-49-{t}", revealed.GetProperty("value").GetString());
        }
    }

    [Fact]
    public async Task Keys_rotate_with_wait_and_keys_ls_from_the_command_line()
    {
        await using var server = await TestServer.StartAsync(o => o.Define(new SettingDefinition { Namespace = "vault", Key = "token", Type = SettingType.String, Sensitive = true }),
            masterKey: _master);
        await server.PutJsonAsync("api/v1/settings/vault/token", """{"value": "abc"}""");

        var rotate = await StrataProcess.RunAsync("keys", "rotate", "--wait", "--server", server.Address.ToString());
        var ls = await StrataProcess.RunAsync("keys", "ls", "--server", server.Address.ToString());

        Assert.Equal(0, rotate.ExitCode);
        Assert.Contains("rotation complete", rotate.Out);
        Assert.Equal(0, ls.ExitCode);
        Assert.Contains("encryption enabled, rotation idle", ls.Out);
        Assert.Contains("\tretired\t0 record(s)", ls.Out);
        Assert.Contains("\tactive\t1 record(s)", ls.Out);
    }
}
