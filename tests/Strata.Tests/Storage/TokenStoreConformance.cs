using Strata.Storage;

namespace Strata.Tests.Storage;

/// <summary>API tokens. Every backend runs it (see <see cref="StoreContract{TBackend}"/>).</summary>
public abstract class TokenStoreConformance<TBackend> : StoreContract<TBackend> where TBackend : StoreBackend, new()
{
    private static TokenRecord Token(string id, long created = 1_000) =>
        new(id, "name-" + id, new string('a', 63) + id[^1], ["config.read:app", "config.write:app.*"], created, ExpiresAt: 9_000);

    [Fact]
    public async Task Tokens_load_back_in_creation_order_with_every_field()
    {
        await Store.SaveTokensAsync([Token("t2", 2_000), Token("t1", 1_000)]);

        var tokens = await Store.TokensAsync();

        Assert.Equal(["t1", "t2"], tokens.Select(t => t.Id));
        var t1 = tokens[0];
        Assert.Equal(("name-t1", new string('a', 63) + "1", 1_000L, (long?)9_000, (long?)null, (long?)null),
            (t1.Name, t1.SecretHash, t1.CreatedAt, t1.ExpiresAt, t1.LastUsedAt, t1.RevokedAt));
        Assert.Equal(["config.read:app", "config.write:app.*"], t1.Grants);
    }

    [Fact]
    public async Task Last_used_only_moves_forward_and_a_revocation_keeps_its_first_time()
    {
        await Store.SaveTokensAsync([Token("t1")]);
        await Store.SaveTokensAsync([Token("t1") with { LastUsedAt = 5_000, RevokedAt = 6_000 }]);
        await Store.SaveTokensAsync([Token("t1") with { LastUsedAt = 4_000, RevokedAt = 7_000 }]);

        var t1 = Assert.Single(await Store.TokensAsync());

        Assert.Equal(((long?)5_000, (long?)6_000), (t1.LastUsedAt, t1.RevokedAt));
    }

    [Fact]
    public async Task The_first_token_is_added_only_to_a_store_without_any()
    {
        Assert.True(await Store.AddFirstTokenAsync(Token("t1")));
        Assert.False(await Store.AddFirstTokenAsync(Token("t2")));

        Assert.Equal("t1", Assert.Single(await Store.TokensAsync()).Id);
    }

    [Fact]
    public async Task Of_writers_racing_to_add_the_first_token_exactly_one_wins()
    {
        var others = Enumerable.Range(0, 4).Select(_ => OpenStore()).ToList();
        try
        {
            var results = await Task.WhenAll(others.Select((s, i) => Task.Run(() => s.AddFirstTokenAsync(Token($"t{i}")))));
            Assert.Equal(1, results.Count(added => added));
            Assert.Single(await Store.TokensAsync());
        }
        finally
        {
            foreach (var s in others) await s.DisposeAsync();
        }
    }
}
