using Strata.Storage;
using Strata.Tests.Infrastructure;

namespace Strata.Tests.Storage;

/// <summary>Encrypted values in the log, as key rotation and declassification rewrite them. Every backend runs it (see <see cref="StoreContract{TBackend}"/>).</summary>
public abstract class SealedValuesConformance<TBackend> : StoreContract<TBackend> where TBackend : StoreBackend, new()
{
    [Fact]
    public async Task Re_encryption_rewrites_current_and_history_values_of_one_key_in_batches()
    {
        await Store.CommitAsync([Rec(1, "a", "$enc:2:kold:AAAA", 1), Rec(1, "b", "$enc:2:kother:BBBB", 1)]);
        await Store.CommitAsync([Rec(2, "a", "$enc:2:kold:CCCC", 2, old: "$enc:2:kold:AAAA", prev: 1), Rec(2, "plain", "1", 1)]);
        // Records holding a value under the key: both changes of "a" (current values are the latest of them).
        Assert.Equal(2, await Store.CountEncryptedAsync("$enc:2:kold:"));

        var seen = new List<string>();
        var first = await Store.ReencryptAsync("$enc:2:kold:", (ns, key, scope, version, text) => { seen.Add($"{ns}/{key}@{scope}#{version}"); return text.Replace("kold", "knew"); }, 1);
        var rest = await Store.ReencryptAsync("$enc:2:kold:", (_, _, _, _, text) => text.Replace("kold", "knew"), 1);

        Assert.Equal((1, 1), (first, rest));
        Assert.All(seen, s => Assert.StartsWith("app/a@global#", s));
        Assert.Equal(0, await Store.ReencryptAsync("$enc:2:kold:", (_, _, _, _, t) => t, 1));
        Assert.Equal((0L, 2L, 1L), (await Store.CountEncryptedAsync("$enc:2:kold:"), await Store.CountEncryptedAsync("$enc:2:knew:"), await Store.CountEncryptedAsync("$enc:2:kother:")));
        Assert.Equal("$enc:2:knew:CCCC", (await Store.LoadAsync()).Entries.Single(e => e.Key == "a").Value);
        var history = await Store.HistoryAsync(new HistoryQuery("app", "a"));
        Assert.Equal([("$enc:2:knew:AAAA", "$enc:2:knew:CCCC"), (null, "$enc:2:knew:AAAA")], history.Select(h => (h.OldValue, h.NewValue)));
        Assert.Equal("1", (await Store.LoadAsync()).Entries.Single(e => e.Key == "plain").Value);
    }

    [Fact]
    public async Task A_rewrite_is_told_each_value_s_own_version_the_old_value_being_the_previous_one()
    {
        await Store.CommitAsync([Rec(1, "a", "$enc:2:k:V1", 1)]);
        await Store.CommitAsync([Rec(2, "a", "$enc:2:k:V2", 2, old: "$enc:2:k:V1", prev: 1)]);
        var seen = new List<(long Version, string Text)>();

        await Store.ReencryptAsync("$enc:2:k:", (_, _, _, version, text) => { seen.Add((version, text)); return text.Replace("k:", "n:"); }, 10);

        Assert.Equal([(1L, "$enc:2:k:V1"), (1L, "$enc:2:k:V1"), (2L, "$enc:2:k:V2")], seen.Order());
    }

    [Fact]
    public async Task Sealed_keys_are_the_keys_with_an_envelope_anywhere_in_their_history()
    {
        await Store.CommitAsync([Rec(1, "secret", "$enc:2:k:AAAA", 1), Rec(1, "plain", "1", 1), Rec(1, "gone", "$enc:2:k:BBBB", 1)]);
        // Reset: the current value is gone, but the history still holds the ciphertext.
        await Store.CommitAsync([Rec(2, "gone", null, 2, old: "$enc:2:k:BBBB", prev: 1)]);

        var keys = await Store.SealedKeysAsync();

        Assert.Equal([("app", "gone"), ("app", "secret")], keys.Order());
    }

    [Fact]
    public async Task A_key_s_history_is_rewritten_in_every_scope_and_only_that_key()
    {
        await Store.CommitAsync([Rec(1, "a", "1", 1), Rec(1, "a", "2", 1, scope: "user:x"), Rec(1, "b", "3", 1)]);
        await Store.CommitAsync([Rec(2, "a", "4", 2, old: "1", prev: 1)]);

        var changed = await Store.RewriteKeyHistoryAsync("app", "a", (_, _, scope, version, text) => $"\"{scope}#{version}:{text}\"");

        Assert.Equal(3, changed);
        var a = await Store.HistoryAsync(new HistoryQuery("app", "a"));
        Assert.Equal([("\"global#1:1\"", "\"global#2:4\""), (null, "\"global#1:1\""), (null, "\"user:x#1:2\"")],
            a.OrderByDescending(h => h.Revision).ThenBy(h => h.Scope).Select(h => (h.OldValue, h.NewValue)));
        Assert.Equal("3", (await Store.LoadAsync()).Entries.Single(e => e.Key == "b").Value);
    }
}
