using System.Net;
using System.Collections;
using System.Text;
using Microsoft.Data.Sqlite;
using Strata.Engine;
using Strata.Security;
using Strata.Storage;
using Strata.Storage.Sqlite;
using Strata.Tests.Infrastructure;

namespace Strata.Tests.Security;

public sealed class EncryptionTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly string _master = MasterKey.Generate();

    public void Dispose() => _dir.Dispose();

    private static void Secrets(StrataOptions o) => o
        .Define(new SettingDefinition { Namespace = "billing", Key = "api_key", Type = SettingType.String, Sensitive = true })
        .Define(new SettingDefinition { Namespace = "billing", Key = "webhook_secret", Type = SettingType.String, Sensitive = true, Scopes = ["global", "tenant"] })
        .Define(new SettingDefinition { Namespace = "billing", Key = "limit", Type = SettingType.Int });

    private Task<EngineHarness> StartAsync(string? master = null, Action<StrataOptions>? more = null) =>
        EngineHarness.StartAsync(o => { Secrets(o); more?.Invoke(o); },
            master is null ? new Hashtable() : new Hashtable { [MasterKey.Variable] = master }, _dir);

    private string Db => Path.Combine(_dir.Path, "strata.db");

    private List<string> StoredTexts(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={Db};Pooling=False");
        connection.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        using var reader = cmd.ExecuteReader();
        var list = new List<string>();
        while (reader.Read())
            for (var i = 0; i < reader.FieldCount; i++)
                if (!reader.IsDBNull(i)) list.Add(reader.GetString(i));
        return list;
    }

    private void Execute(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={Db};Pooling=False");
        connection.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    private static bool Contains(byte[] haystack, string needle) => haystack.AsSpan().IndexOf(Encoding.UTF8.GetBytes(needle)) >= 0;

    [Fact]
    public async Task A_sensitive_definition_without_a_master_key_stops_start_up_saying_how_to_fix_it()
    {
        var error = await Assert.ThrowsAsync<DefinitionException>(() => StartAsync());
        Assert.Contains("billing/api_key is sensitive", error.Message);
        Assert.Contains(MasterKey.Variable, error.Message);
    }

    [Theory]
    [InlineData("not base64!", "not base64")]
    [InlineData("AAAA", "3 bytes; it must be exactly 32")]
    public async Task A_malformed_master_key_is_refused(string key, string problem)
    {
        var error = await Assert.ThrowsAsync<DefinitionException>(() => StartAsync(key));
        Assert.Contains(problem, error.Message);
    }

    [Fact]
    public async Task Secrets_are_encrypted_in_current_values_and_history_and_never_on_disk_in_clear()
    {
        string[] clear = ["sk-live-first-9f8e7d", "sk-live-second-6c5b4a", "whsec-tenant-3b2a1c"];
        await using (var h = await StartAsync(_master))
        {
            await h.SetAsync("billing", "api_key", clear[0]);
            await h.SetAsync("billing", "api_key", clear[1]);
            await h.SetAsync("billing", "webhook_secret", clear[2], "tenant:acme");
            await h.SetAsync("billing", "limit", 5);

            Assert.Equal(clear[1], new StrataSettings(h.Engine, Microsoft.Extensions.Logging.Abstractions.NullLogger<StrataSettings>.Instance).GetValue<string>("billing", "api_key"));
            // Values live in history; a settings row only points at its latest change.
            var stored = StoredTexts("SELECT old_value FROM history WHERE key != 'limit' UNION ALL SELECT new_value FROM history WHERE key != 'limit'");
            Assert.Equal(4, stored.Count); // 3 new and 1 old value
            Assert.All(stored, text => Assert.StartsWith("$enc:2:", text));
            Assert.Equal(["5"], StoredTexts("SELECT new_value FROM history WHERE key = 'limit'"));

            // While running: the database, its WAL and shared memory files.
            foreach (var file in Directory.GetFiles(_dir.Path))
            {
                var bytes = await File.ReadAllBytesAsync(file);
                foreach (var secret in clear.Append(_master))
                    Assert.False(Contains(bytes, secret), $"{secret} found in clear in {Path.GetFileName(file)}");
            }
        }
    }

    [Fact]
    public async Task After_a_restart_with_the_same_master_key_values_and_history_decrypt()
    {
        await using (var h = await StartAsync(_master))
        {
            await h.SetAsync("billing", "api_key", "one");
            await h.SetAsync("billing", "api_key", "two");
        }
        await using var again = await StartAsync(_master);
        Assert.Equal("two", again.Engine.Get("billing", "api_key")!.As<string>());
        var history = await again.Engine.HistoryAsync(new HistoryQuery("billing", "api_key"));
        Assert.Equal([("\"one\"", "\"two\""), (null, "\"one\"")], history.Select(r => (r.OldValue, r.NewValue)));
        Assert.Equal("one", (await again.Engine.SnapshotAtAsync("billing", 1)).Find("billing", "api_key")!.At("global")!.Value.GetString());
    }

    [Fact]
    public async Task A_restart_without_the_master_key_fails_naming_the_data_key()
    {
        string keyId;
        await using (var h = await StartAsync(_master))
        {
            await h.SetAsync("billing", "api_key", "secret");
            keyId = h.Engine.Secrets.ActiveKeyId!;
        }
        var error = await Assert.ThrowsAsync<DefinitionException>(() => EngineHarness.StartAsync(dir: _dir));
        Assert.Contains($"data key {keyId}", error.Message);
        Assert.Contains("no master key is configured", error.Message);
    }

    [Fact]
    public async Task A_restart_with_a_different_master_key_fails_naming_the_data_key()
    {
        string keyId;
        await using (var h = await StartAsync(_master))
        {
            await h.SetAsync("billing", "api_key", "secret");
            keyId = h.Engine.Secrets.ActiveKeyId!;
        }
        var error = await Assert.ThrowsAsync<DefinitionException>(() => StartAsync(MasterKey.Generate()));
        Assert.Contains($"cannot open data key {keyId}", error.Message);
    }

    [Fact]
    public async Task A_flipped_byte_in_a_stored_secret_is_detected_at_start_and_never_returned()
    {
        await using (var h = await StartAsync(_master)) await h.SetAsync("billing", "api_key", "secret-value");
        var envelope = StoredTexts("SELECT new_value FROM history WHERE key = 'api_key'").Single();
        var bytes = Convert.FromBase64String(envelope[(envelope.LastIndexOf(':') + 1)..]);
        bytes[^1] ^= 0x01;
        Execute($"UPDATE history SET new_value = '{envelope[..(envelope.LastIndexOf(':') + 1)]}{Convert.ToBase64String(bytes)}' WHERE key = 'api_key'");

        var error = await Assert.ThrowsAsync<SecretException>(() => StartAsync(_master));

        Assert.Contains("billing/api_key@global failed authentication", error.Message);
        Assert.DoesNotContain("secret-value", error.Message);
    }

    [Fact]
    public async Task A_ciphertext_moved_to_another_setting_fails_authentication()
    {
        await using (var h = await StartAsync(_master))
        {
            await h.SetAsync("billing", "api_key", "for-the-api");
            await h.SetAsync("billing", "webhook_secret", "for-webhooks");
        }
        Execute("UPDATE history SET new_value = (SELECT new_value FROM history WHERE key = 'api_key') WHERE key = 'webhook_secret'");

        var error = await Assert.ThrowsAsync<SecretException>(() => StartAsync(_master));

        Assert.Contains("billing/webhook_secret@global failed authentication", error.Message);
    }

    [Fact]
    public async Task A_tampered_history_record_is_reported_and_the_rest_of_the_history_still_served()
    {
        await using (var h = await StartAsync(_master))
        {
            await h.SetAsync("billing", "api_key", "old-secret");
            await h.SetAsync("billing", "api_key", "new-secret");
        }
        var envelope = StoredTexts("SELECT new_value FROM history WHERE revision = 1").Single();
        var bytes = Convert.FromBase64String(envelope[(envelope.LastIndexOf(':') + 1)..]);
        bytes[20] ^= 0x80;
        Execute($"UPDATE history SET new_value = '{envelope[..(envelope.LastIndexOf(':') + 1)]}{Convert.ToBase64String(bytes)}' WHERE revision = 1");

        await using var server = await TestServer.StartAsync(Secrets, dir: _dir, masterKey: _master);
        var history = await (await server.Http.GetAsync("api/v1/settings/billing/api_key/history")).ReadJsonAsync();
        var toBad = await server.PostJsonAsync("api/v1/settings/billing/api_key/rollback", """{"version": 1}""");
        var toGood = await server.PostJsonAsync("api/v1/settings/billing/api_key/rollback", """{"version": 2}""");

        var records = history.GetProperty("history").EnumerateArray().ToList();
        Assert.Equal(2, records.Count);
        Assert.False(records[0].TryGetProperty("unreadable", out _));
        var detail = records[1].GetProperty("unreadable").GetString()!;
        Assert.Contains("billing/api_key@global failed authentication", detail);
        Assert.Equal("********", records[1].GetProperty("newValue").GetString());
        var problem = await toBad.AssertProblemAsync(409);
        Assert.Equal("urn:strata:problem:secret-unreadable", problem.GetProperty("type").GetString());
        // Version 2 is the current value: nothing to do, but not an error.
        Assert.Equal(HttpStatusCode.OK, toGood.StatusCode);
        foreach (var text in new[] { history.GetRawText(), problem.GetRawText() })
        {
            Assert.DoesNotContain("old-secret", text);
            Assert.DoesNotContain("new-secret", text);
            Assert.DoesNotContain("$enc:", text);
        }
    }

    [Fact]
    public async Task A_tampered_secret_in_the_past_leaves_point_in_time_reads_diff_and_other_keys_working()
    {
        await using (var h = await StartAsync(_master))
        {
            await h.SetAsync("billing", "api_key", "old-secret");
            await h.SetAsync("billing", "limit", 5);
            await h.SetAsync("billing", "api_key", "new-secret");
        }
        var envelope = StoredTexts("SELECT new_value FROM history WHERE revision = 1").Single();
        var bytes = Convert.FromBase64String(envelope[(envelope.LastIndexOf(':') + 1)..]);
        bytes[20] ^= 0x80;
        Execute($"UPDATE history SET new_value = '{envelope[..(envelope.LastIndexOf(':') + 1)]}{Convert.ToBase64String(bytes)}' WHERE revision = 1");

        await using var server = await TestServer.StartAsync(Secrets, dir: _dir, masterKey: _master);
        var past = await server.Http.GetAsync("api/v1/settings/billing?asOf=2");
        var limit = await server.Http.GetAsync("api/v1/settings/billing/limit?asOf=2");
        var diff = await server.Http.GetAsync("api/v1/settings/billing/_diff?from=2&to=3");
        var reveal = await server.Http.GetAsync("api/v1/settings/billing/api_key?asOf=2&reveal=true");
        var rollback = await server.PostJsonAsync("api/v1/settings/billing/_rollback", """{"revision": 2}""");

        var settings = (await past.ReadJsonAsync()).GetProperty("settings").EnumerateArray().ToDictionary(e => e.GetProperty("key").GetString()!);
        Assert.Equal("********", settings["api_key"].GetProperty("value").GetString());
        Assert.Equal(5, settings["limit"].GetProperty("value").GetInt32());
        Assert.Equal(5, (await limit.ReadJsonAsync()).GetProperty("value").GetInt32());
        Assert.Equal("api_key", (await diff.ReadJsonAsync()).GetProperty("changes")[0].GetProperty("key").GetString());
        Assert.Equal("urn:strata:problem:secret-unreadable", (await reveal.AssertProblemAsync(409)).GetProperty("type").GetString());
        await rollback.AssertProblemAsync(409);
        Assert.Equal(3, await server.RevisionAsync());
    }

    [Fact]
    public async Task A_tampered_record_does_not_stop_a_rotation_from_retiring_the_old_key()
    {
        string old;
        await using (var h = await StartAsync(_master))
        {
            await h.SetAsync("billing", "api_key", "v1");
            await h.SetAsync("billing", "api_key", "v2");
            old = h.Engine.Secrets.ActiveKeyId!;
        }
        var envelope = StoredTexts("SELECT new_value FROM history WHERE revision = 1").Single();
        var bytes = Convert.FromBase64String(envelope[(envelope.LastIndexOf(':') + 1)..]);
        bytes[20] ^= 0x80;
        Execute($"UPDATE history SET new_value = '{envelope[..(envelope.LastIndexOf(':') + 1)]}{Convert.ToBase64String(bytes)}' WHERE revision = 1");

        await using (var h = await StartAsync(_master))
        {
            await h.Engine.Secrets.RotateAsync();
            await h.Engine.Secrets.Rotation;

            Assert.Equal(DataKeyRecord.Retired, (await h.Store.DataKeysAsync()).Single(k => k.Id == old).State);
            Assert.Equal("v2", h.Engine.Get("billing", "api_key")!.As<string>());
            var history = await h.Engine.HistoryAsync(new HistoryQuery("billing", "api_key"));
            Assert.Null(history[0].Unreadable);
            Assert.NotNull(history[1].Unreadable);
        }
    }

    [Fact]
    public async Task Rotation_re_encrypts_every_secret_and_retires_the_old_key()
    {
        await using (var h = await StartAsync(_master, o => o.KeyRotationBatchSize = 3))
        {
            for (var i = 0; i < 10; i++) await h.SetAsync("billing", "api_key", $"v{i}");
            await h.SetAsync("billing", "webhook_secret", "w", "tenant:acme");
            var old = h.Engine.Secrets.ActiveKeyId!;

            var fresh = await h.Engine.Secrets.RotateAsync();
            await h.Engine.Secrets.Rotation;

            var keys = await h.Engine.Secrets.DescribeAsync();
            // 11 history records hold secrets (current values are the latest of them).
            Assert.Equal([(old, DataKeyRecord.Retired, 0L), (fresh, DataKeyRecord.Active, 11L)],
                keys.OrderBy(k => k.Key.State == DataKeyRecord.Active).Select(k => (k.Key.Id, k.Key.State, k.Values)));
            Assert.Equal("", (await h.Store.DataKeysAsync()).Single(k => k.Id == old).Wrapped);
            Assert.All(StoredTexts("SELECT new_value FROM history"), t => Assert.StartsWith($"$enc:2:{fresh}:", t));
        }
        await using var again = await StartAsync(_master);
        Assert.Equal("v9", again.Engine.Get("billing", "api_key")!.As<string>());
        Assert.Equal(10, (await again.Engine.HistoryAsync(new HistoryQuery("billing", "api_key"))).Count(r => r.NewValue is not null));
    }

    [Fact]
    public async Task Writes_during_a_rotation_are_kept_and_end_up_under_the_new_key()
    {
        await using var h = await StartAsync(_master, o => o.KeyRotationBatchSize = 2);
        for (var i = 0; i < 20; i++) await h.SetAsync("billing", "api_key", $"before{i}");
        var old = h.Engine.Secrets.ActiveKeyId!;

        var rotate = h.Engine.Secrets.RotateAsync();
        var writes = Enumerable.Range(0, 20).Select(i => h.SetAsync("billing", "webhook_secret", $"during{i}", $"tenant:t{i}")).ToList();
        await rotate;
        await Task.WhenAll(writes);
        await h.Engine.Secrets.Rotation;

        Assert.Equal(0, await h.Store.CountEncryptedAsync(old));
        Assert.Equal("before19", h.Engine.Get("billing", "api_key")!.As<string>());
        var chain = Strata.Naming.ScopeChain.TryParse("tenant:t7", out _)!;
        Assert.Equal("during7", h.Engine.Get(h.Engine.Current, "billing", "webhook_secret", chain)!.As<string>());
    }

    [Fact]
    public async Task Readiness_reports_encryption_and_the_active_key()
    {
        await using var server = await TestServer.StartAsync(Secrets, masterKey: _master);
        var ready = await (await server.Http.GetAsync("readyz")).ReadJsonAsync();
        var store = ready.GetProperty("store");
        Assert.Equal("enabled", store.GetProperty("encryption").GetString());
        Assert.StartsWith("k", store.GetProperty("activeKey").GetString());
    }

    [Fact]
    public async Task Rotating_without_a_master_key_is_a_clear_409()
    {
        await using var server = await TestServer.StartAsync();
        var problem = await (await server.PostJsonAsync("api/v1/keys/rotate", "{}")).AssertProblemAsync(409);
        Assert.Contains(MasterKey.Variable, problem.GetProperty("detail").GetString());
    }
}
