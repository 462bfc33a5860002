namespace Strata.Storage;

/// <summary>API tokens.</summary>
internal interface ITokenStore
{
    Task<IReadOnlyList<TokenRecord>> TokensAsync(CancellationToken ct = default);

    /// <summary>Inserts or updates tokens (creation, revocation, last-used times), in one transaction.</summary>
    Task SaveTokensAsync(IReadOnlyList<TokenRecord> tokens, CancellationToken ct = default);

    /// <summary>
    /// Inserts the token only when the store holds none, atomically: the bootstrap admin token is created once even
    /// when several instances start together on a shared store. False when a token existed.
    /// </summary>
    Task<bool> AddFirstTokenAsync(TokenRecord token, CancellationToken ct = default);
}
