using System.Collections;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Strata.Security;
using Strata.Storage;
using Strata.Tests.Infrastructure;

namespace Strata.Tests.Security;

/// <summary>A value stored as a secret stays one whatever today's definitions say, and a ciphertext only opens for its own version.</summary>
public sealed class FailClosedSecretsTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly string _master = MasterKey.Generate();

    public void Dispose() => _dir.Dispose();

    private static readonly SettingDefinition ApiKey = new() { Namespace = "billing", Key = "api_key", Type = SettingType.String, Sensitive = true };

    private Task<EngineHarness> StartAsync(Action<StrataOptions>? configure = null) =>
        EngineHarness.StartAsync(configure, new Hashtable { [MasterKey.Variable] = _master }, _dir);

    private Task<EngineHarness> StartWithSecretAsync(Action<StrataOptions>? more = null) =>
        StartAsync(o => { o.Define(ApiKey); more?.Invoke(o); });

    private List<(long Version, string? Old, string? New)> HistoryRows(string key)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(_dir.Path, "strata.db")};Pooling=False");
        connection.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT version, old_value, new_value FROM history WHERE key = $k ORDER BY id";
        cmd.Parameters.AddWithValue("$k", key);
        using var r = cmd.ExecuteReader();
        var rows = new List<(long, string?, string?)>();
        while (r.Read()) rows.Add((r.GetInt64(0), r.IsDBNull(1) ? null : r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2)));
        return rows;
    }

    private void Execute(string sql, params (string Name, object Value)[] parameters)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(_dir.Path, "strata.db")};Pooling=False");
        connection.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (name, value) in parameters) cmd.Parameters.AddWithValue(name, value);
        cmd.ExecuteNonQuery();
    }

    [Fact]
    public async Task A_start_without_the_definitions_that_made_a_setting_secret_is_refused_naming_it()
    {
        await using (var h = await StartWithSecretAsync()) await h.SetAsync("billing", "api_key", "sk-live-1");

        var error = await Assert.ThrowsAsync<DefinitionException>(() => StartAsync());

        Assert.Contains("billing/api_key", error.Message);
        Assert.Contains("Strata:Declassify", error.Message);
        Assert.DoesNotContain("sk-live-1", error.Message);
        Assert.All(HistoryRows("api_key"), row => Assert.StartsWith("$enc:", row.New));
    }

    [Fact]
    public async Task A_reset_secret_whose_ciphertext_lives_only_in_history_still_refuses_the_start()
    {
        await using (var h = await StartWithSecretAsync())
        {
            await h.SetAsync("billing", "api_key", "sk-live-1");
            await h.ResetAsync("billing", "api_key");
        }

        var error = await Assert.ThrowsAsync<DefinitionException>(() => StartAsync());

        Assert.Contains("billing/api_key", error.Message);
    }

    [Fact]
    public async Task An_operator_can_declassify_explicitly_and_the_act_is_audited()
    {
        await using (var h = await StartWithSecretAsync())
        {
            await h.SetAsync("billing", "api_key", "sk-live-1");
            await h.SetAsync("billing", "api_key", "sk-live-2");
        }

        await using (var h = await StartAsync(o => o.Declassify = ["billing/api_key"]))
        {
            Assert.Equal("sk-live-2", h.Engine.Get("billing", "api_key")!.As<string>());
            var audit = await h.Engine.AuditLog.AuditAsync(new AuditQuery(Action: "secret.declassify"));
            var record = Assert.Single(audit);
            Assert.Equal(("billing", "api_key"), (record.Namespace, record.Key));
            Assert.Equal(2, JsonDocument.Parse(record.Detail!).RootElement.GetProperty("records").GetInt32());
        }
        Assert.Equal([(1L, null, "\"sk-live-1\""), (2L, "\"sk-live-1\"", "\"sk-live-2\"")], HistoryRows("api_key"));
        // Declassified for good: the next start needs neither the definition nor the option.
        await using (await StartAsync()) { }
    }

    [Fact]
    public async Task Declassifying_a_setting_the_definitions_still_call_sensitive_is_refused()
    {
        var error = await Assert.ThrowsAsync<DefinitionException>(() => StartWithSecretAsync(o => o.Declassify = ["billing/api_key"]));

        Assert.Contains("still mark it sensitive", error.Message);
    }

    [Fact]
    public async Task A_setting_that_becomes_sensitive_gets_its_plaintext_history_encrypted()
    {
        await using (var h = await StartAsync())
        {
            await h.SetAsync("billing", "api_key", "was-public-1");
            await h.SetAsync("billing", "api_key", "was-public-2", scope: "global");
        }

        await using (var h = await StartWithSecretAsync())
        {
            Assert.Equal("was-public-2", h.Engine.Get("billing", "api_key")!.As<string>());
            var history = await h.Engine.HistoryAsync(new HistoryQuery("billing", "api_key"));
            Assert.Equal(["was-public-2", "was-public-1"], history.Select(r => JsonSerializer.Deserialize<string>(r.NewValue!)));
            var audit = Assert.Single(await h.Engine.AuditLog.AuditAsync(new AuditQuery(Action: "secret.classify")));
            Assert.Equal("api_key", audit.Key);
            var changes = await h.Engine.AuditLog.AuditAsync(new AuditQuery(Action: "setting.set", Key: "api_key"));
            Assert.Equal(2, changes.Count);
            Assert.All(changes, c => Assert.DoesNotContain("was-public", c.Detail));
            var first = JsonDocument.Parse(changes[^1].Detail!).RootElement;
            Assert.Equal((JsonValueKind.Null, "********"), (first.GetProperty("old").ValueKind, first.GetProperty("new").GetString()));
        }
        var rows = HistoryRows("api_key");
        Assert.All(rows, row => Assert.StartsWith("$enc:2:", row.New));
        Assert.StartsWith("$enc:2:", rows[1].Old);
    }

    [Fact]
    public async Task An_older_ciphertext_copied_onto_the_current_version_is_refused_not_served()
    {
        await using (var h = await StartWithSecretAsync())
        {
            await h.SetAsync("billing", "api_key", "old-secret");
            await h.SetAsync("billing", "api_key", "new-secret");
        }
        var old = HistoryRows("api_key")[0].New!;
        // Someone with write access to the database replays the old value into the current change.
        Execute("UPDATE history SET new_value = $v WHERE key = 'api_key' AND version = 2", ("$v", old));

        var error = await Assert.ThrowsAsync<SecretException>(() => StartWithSecretAsync());

        Assert.Contains("billing/api_key@global failed authentication", error.Message);
        Assert.Contains("version 2", error.Message);
        Assert.DoesNotContain("old-secret", error.Message);
    }

    [Fact]
    public async Task A_damaged_legacy_ciphertext_in_history_does_not_stop_the_upgrade_of_the_rest()
    {
        await using (var h = await StartWithSecretAsync())
        {
            await h.SetAsync("billing", "api_key", "first");
            await h.SetAsync("billing", "api_key", "second");
        }
        await using (var h = await StartWithSecretAsync())
        {
            var (id, key) = DataKey(h);
            // The record of version 1 left damaged (its ciphertext cut short); version 2's record sound legacy envelopes.
            Execute("UPDATE history SET new_value = $v WHERE key = 'api_key' AND version = 1", ("$v", $"$enc:1:{id}:AAAA"));
            Execute("UPDATE history SET old_value = $o, new_value = $v WHERE key = 'api_key' AND version = 2",
                ("$o", Legacy(id, key, "\"first\"")), ("$v", Legacy(id, key, "\"second\"")));
        }

        await using (var h = await StartWithSecretAsync())
        {
            Assert.Equal("second", h.Engine.Get("billing", "api_key")!.As<string>());
            var history = await h.Engine.HistoryAsync(new HistoryQuery("billing", "api_key"));
            Assert.Null(history[0].Unreadable);
            Assert.Contains("found damaged", history[1].Unreadable);
            Assert.Equal(2, (await h.Store.DataKeysAsync()).Count(k => k.State != DataKeyRecord.Retired) + 1);
        }
        // A second start has nothing left to upgrade and makes no new key.
        await using (var h = await StartWithSecretAsync())
            Assert.Single(await h.Store.DataKeysAsync(), k => k.State != DataKeyRecord.Retired);
    }

    private static (string Id, byte[] Key) DataKey(EngineHarness h)
    {
        var ring = typeof(SecretKeeper).GetField("_ring", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!
            .GetValue(h.Engine.Secrets)!;
        var keys = (System.Collections.Concurrent.ConcurrentDictionary<string, byte[]>)ring.GetType()
            .GetField("_keys", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!.GetValue(ring)!;
        var (id, key) = keys.Single();
        return (id, key);
    }

    private static string Legacy(string id, byte[] key, string json) =>
        $"$enc:1:{id}:{Convert.ToBase64String(SecretCipher.Encrypt(key, System.Text.Encoding.UTF8.GetBytes(json), "strata-value:billing/api_key@global"))}";

    [Fact]
    public async Task Legacy_ciphertexts_are_re_sealed_to_their_version_at_start_and_then_no_longer_accepted()
    {
        await using (var h = await StartWithSecretAsync())
        {
            await h.SetAsync("billing", "api_key", "first");
            await h.SetAsync("billing", "api_key", "second");
        }
        // Rewrite the store as schema 7 left it: envelopes of format 1, bound to the name but not the version.
        var legacy = new Dictionary<string, string>();
        await using (var h = await StartWithSecretAsync())
        {
            var (id, key) = DataKey(h);
            foreach (var json in new[] { "\"first\"", "\"second\"" }) legacy[json] = Legacy(id, key, json);
        }
        Execute("UPDATE history SET new_value = $v WHERE key = 'api_key' AND version = 1", ("$v", legacy["\"first\""]));
        Execute("UPDATE history SET old_value = $o, new_value = $v WHERE key = 'api_key' AND version = 2",
            ("$o", legacy["\"first\""]), ("$v", legacy["\"second\""]));

        await using (var h = await StartWithSecretAsync())
        {
            Assert.Equal("second", h.Engine.Get("billing", "api_key")!.As<string>());
            var history = await h.Engine.HistoryAsync(new HistoryQuery("billing", "api_key"));
            Assert.Equal([("\"first\"", "\"second\""), (null, "\"first\"")], history.Select(r => (r.OldValue, r.NewValue)));
        }
        Assert.All(HistoryRows("api_key"), row => Assert.StartsWith("$enc:2:", row.New));

        // The data key that sealed the legacy envelopes is retired: a replayed old copy can never be opened again.
        Execute("UPDATE history SET new_value = $v WHERE key = 'api_key' AND version = 2", ("$v", legacy["\"first\""]));
        var error = await Assert.ThrowsAsync<SecretException>(() => StartWithSecretAsync());
        Assert.Contains("billing/api_key@global", error.Message);
        Assert.DoesNotContain("first", error.Message);
    }
}
