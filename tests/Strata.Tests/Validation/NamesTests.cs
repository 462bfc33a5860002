using Strata.Naming;

namespace Strata.Tests.Validation;

public sealed class NamesTests
{
    [Theory]
    [InlineData("billing", true)]
    [InlineData("max_daily-usd.v2", true)]
    [InlineData("LOG_LEVEL", true)]
    [InlineData("_schema", false)]
    [InlineData(".hidden", false)]
    [InlineData("has space", false)]
    [InlineData("slash/inside", false)]
    [InlineData("ünïcode", false)]
    [InlineData("", false)]
    public void Names_are_letters_digits_underscore_dash_dot_starting_with_a_letter_or_digit(string name, bool valid) =>
        Assert.Equal(valid, Names.IsValid(name));

    [Fact]
    public void Names_longer_than_128_characters_are_refused() =>
        Assert.Contains("longer than 128", Names.Check(new string('a', 129), "Key"));

    [Theory]
    [InlineData(null, "global")]
    [InlineData("GLOBAL", "global")]
    [InlineData("User:alice", "user:alice")]
    [InlineData("project:42", "project:42")]
    [InlineData("user:a@b.c", "user:a@b.c")]
    public void Scopes_normalise_their_kind(string? raw, string expected) =>
        Assert.Equal(expected, Scope.TryNormalize(raw, out _));

    [Theory]
    [InlineData("user")]
    [InlineData("user:")]
    [InlineData(":alice")]
    [InlineData("global:x")]
    [InlineData("9kind:x")]
    [InlineData("user:al ice")]
    public void Malformed_scopes_are_refused_with_a_message(string raw)
    {
        Assert.Null(Scope.TryNormalize(raw, out var error));
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Fact]
    public void A_scope_chain_ends_with_global_and_drops_duplicates()
    {
        var chain = ScopeChain.TryParse("user:alice, project:42,user:alice,global", out _)!;
        Assert.Equal(["user:alice", "project:42", "global"], chain.Scopes);
        Assert.Equal("user:alice", chain.Target);
    }
}
